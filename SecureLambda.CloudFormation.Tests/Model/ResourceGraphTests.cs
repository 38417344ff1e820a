using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Intrinsics;
using static SecureLambda.CloudFormation.Tests.Model.TemplateTestHelpers;

namespace SecureLambda.CloudFormation.Tests.Model;

public sealed class ResourceGraphTests
{
    private static StackState Production() =>
        new(CloudFormationTemplate.Load(ProductionTemplatePath), new StackSettings(ParameterOverrides: ProductionOverrides));

    [Fact]
    public void Order_PutsEveryProductionDependencyBeforeItsDependents()
    {
        var order = ResourceGraph.Order(Production()).Select(resource => resource.LogicalId).ToList();

        // Every resource but the one whose Condition is false by default (no AlarmEmail, no e-mail subscription).
        Assert.Equal(Production().Template.Resources.Count - 1, order.Count);
        Assert.DoesNotContain("AlarmEmailSubscription", order);
        Assert.True(order.IndexOf("GreetingTopic") < order.IndexOf("TopicArnSecret"));
        Assert.True(order.IndexOf("MyUserPool1") < order.IndexOf("UserPool1Client"));
        Assert.True(order.IndexOf("MyUserPool1") < order.IndexOf("Lambda1Authorizer"));
        Assert.True(order.IndexOf("Lambda1PostMethod") < order.IndexOf("GreetingApiDeployment"));
        Assert.True(order.IndexOf("Lambda2PostMethod") < order.IndexOf("GreetingApiDeployment"));
        Assert.True(order.IndexOf("ExternalLambda1") < order.IndexOf("Lambda1PostMethod"));
        Assert.True(order.IndexOf("ApiGatewayAccount") < order.IndexOf("GreetingApiStage"));
        Assert.True(order.IndexOf("GreetingApiStage") < order.IndexOf("GreetingWebAclAssociation"));
        Assert.True(order.IndexOf("ApiAccessLogGroup") < order.IndexOf("GreetingApiStage"));
    }

    [Fact]
    public void Order_PutsEveryReferenceBeforeItsUser_InTheProductionTemplate()
    {
        var state = Production();
        var order = ResourceGraph.Order(state).Select(resource => resource.LogicalId).ToList();

        foreach (var resource in state.Template.Resources.Values.Where(resource => order.Contains(resource.LogicalId)))
        {
            var dependencies = References(resource.Properties).Where(state.Template.Resources.ContainsKey).Concat(resource.DependsOn);
            foreach (var dependency in dependencies)
            {
                Assert.True(order.IndexOf(dependency) < order.IndexOf(resource.LogicalId), $"{dependency} before {resource.LogicalId}");
            }
        }
    }

    [Fact]
    public void Order_ResolvesTheProductionOutputs_OnceEveryResourceIsProvisioned()
    {
        var state = Production();
        foreach (var resource in ResourceGraph.Order(state))
        {
            // Every property must resolve against what was provisioned before, as the provisioner will do it.
            Assert.NotNull(IntrinsicResolver.Resolve(resource.Properties, state, resource.LogicalId));
            state.SetPhysicalId(resource.LogicalId, $"{resource.LogicalId.ToUpperInvariant()}-ID");
            state.SetAttribute(resource.LogicalId, "Arn", JsonValue.Create($"arn:aws:x:us-east-1:123456789012:{resource.LogicalId}"));
            if (resource.Type == "AWS::SQS::Queue")
            {
                state.SetAttribute(resource.LogicalId, "QueueName", JsonValue.Create($"{resource.LogicalId}-name"));
            }

            if (resource.LogicalId == "GreetingApi")
            {
                state.SetAttribute("GreetingApi", "RootResourceId", JsonValue.Create("root"));
            }
        }

        var outputs = state.Template.Outputs.ToDictionary(
            output => output.Key, output => IntrinsicResolver.Resolve(output.Value.Value, state, $"output {output.Key}")!.GetValue<string>());

        Assert.Equal("https://GREETINGAPI-ID.execute-api.us-east-1.amazonaws.com/GREETINGAPISTAGE-ID", outputs["ApiUrl"]);
        Assert.Equal("MYUSERPOOL1-ID", outputs["UserPool1Id"]);
        Assert.Equal("USERPOOL2CLIENT-ID", outputs["UserPool2ClientId"]);
        Assert.Equal("GREETINGTOPIC-ID", outputs["TopicArn"]);
        Assert.Equal("TOPICARNSECRET-ID", outputs["SecretArn"]);
        var secret = IntrinsicResolver.Resolve(state.Template.Resources["TopicArnSecret"].Properties, state, "TopicArnSecret")!;
        Assert.Equal("""{"TOPIC_ARN":"GREETINGTOPIC-ID"}""", secret["SecretString"]!.GetValue<string>());
        var acl = IntrinsicResolver.Resolve(state.Template.Resources["GreetingWebAcl"].Properties, state, "GreetingWebAcl")!;
        Assert.Equal("""{"Count":{}}""", acl["Rules"]![0]!["Action"]!.ToJsonString());
    }

    [Fact]
    public void Order_KeepsTemplateOrder_BetweenIndependentResources()
    {
        var state = State(
            """
            Resources:
              C: { Type: T, Properties: { P: !Sub '${B.Arn}-${AWS::Region}' } }
              A: { Type: T }
              B: { Type: T, DependsOn: A }
              D: { Type: T }
            """);

        Assert.Equal(["A", "B", "C", "D"], ResourceGraph.Order(state).Select(resource => resource.LogicalId));
    }

    [Fact]
    public void Order_CountsReferencesInIfBranchesAndSubVariableMaps_ButNotSubVariables()
    {
        var state = State(
            """
            Conditions:
              Yes: !Equals [a, a]
            Resources:
              User:
                Type: T
                Properties:
                  A: !If [Yes, x, !Ref Late1]
                  B: !Sub ['${Late3}', { Late3: !GetAtt Late2.Arn }]
              Late1: { Type: T }
              Late2: { Type: T }
              Late3: { Type: T }
            """);

        Assert.Equal(["Late1", "Late2", "User", "Late3"], ResourceGraph.Order(state).Select(resource => resource.LogicalId));
    }

    [Fact]
    public void Order_SkipsResourcesWhoseConditionDoesNotHold()
    {
        var state = State(
            """
            Parameters:
              Env: { Type: String, Default: dev }
            Conditions:
              IsProd: !Equals [!Ref Env, prod]
            Resources:
              ProdOnly: { Type: T, Condition: IsProd }
              Always: { Type: T, Properties: { P: !If [IsProd, !Ref ProdOnly, !Ref AWS::NoValue] } }
            """);

        Assert.Equal(["Always"], ResourceGraph.Order(state).Select(resource => resource.LogicalId));
    }

    [Fact]
    public void Order_FailsNamingTheCycle()
    {
        var state = State(
            """
            Resources:
              Free: { Type: T }
              A: { Type: T, Properties: { P: !Ref B } }
              B: { Type: T, Properties: { P: !GetAtt C.Arn } }
              C: { Type: T, DependsOn: [A] }
            """);

        var ex = Assert.Throws<TemplateException>(() => ResourceGraph.Order(state));

        Assert.Contains("A -> B -> C -> A", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ Type: T, DependsOn: Ghost }")]
    [InlineData("{ Type: T, Properties: { P: !Ref Ghost } }")]
    [InlineData("{ Type: T, Properties: { P: !GetAtt Ghost.Arn } }")]
    [InlineData("{ Type: T, Properties: { P: !Sub '${Ghost}' } }")]
    public void Order_FailsNamingBoth_ForADependencyOnAnUnknownResource(string resource)
    {
        var state = State("Resources:\n  User: " + resource + "\n");

        var ex = Assert.Throws<TemplateException>(() => ResourceGraph.Order(state));

        Assert.Contains("User", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Ghost", ex.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject obj when obj.Count == 1 && obj["Ref"] is JsonValue value && value.GetValue<string>() is var name
            => [name],
        JsonObject obj when obj.Count == 1 && obj["Fn::GetAtt"] is JsonArray pair => [pair[0]!.GetValue<string>()],
        JsonObject obj => obj.SelectMany(entry => References(entry.Value)),
        JsonArray array => array.SelectMany(References),
        _ => [],
    };
}
