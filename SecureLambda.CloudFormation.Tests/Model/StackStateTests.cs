using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Intrinsics;
using static SecureLambda.CloudFormation.Tests.Model.TemplateTestHelpers;

namespace SecureLambda.CloudFormation.Tests.Model;

public sealed class StackStateTests
{
    private const string Constrained =
        """
        Parameters:
          Action: { Type: String, Default: Count, AllowedValues: [Count, Block] }
          Stage: { Type: String, Default: dev, AllowedPattern: "[a-z]+", MinLength: 2, MaxLength: 5 }
          Rate: { Type: Number, Default: 50, MinValue: 10, MaxValue: 100 }
          Retention: { Type: Number, Default: 14, AllowedValues: [7, 14] }
          Cidrs: { Type: CommaDelimitedList, Default: "10.0.0.0/8, 192.168.0.0/16", AllowedPattern: "\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+" }
          Ports: { Type: "List<Number>", Default: "80,443" }
        Resources:
          R: { Type: AWS::SNS::Topic }
        """;

    [Fact]
    public void ParameterValues_ValidateEveryProductionDefault()
    {
        var state = new StackState(
            CloudFormationTemplate.Load(ProductionTemplatePath), new StackSettings(ParameterOverrides: ProductionOverrides));

        Assert.Equal("development", state.ParameterValues["StageName"].GetValue<string>());
        Assert.Equal("50", state.ParameterValues["ThrottlingRateLimit"].GetValue<string>());
        Assert.Equal("14", state.ParameterValues["LogRetentionInDays"].GetValue<string>());
        Assert.Equal("""["0.0.0.0/1","128.0.0.0/1"]""", Json(state.ParameterValues["AllowedCidrs"]));
        Assert.Equal("""["::/1","8000::/1"]""", Json(state.ParameterValues["AllowedIpv6Cidrs"]));
        Assert.Equal("code-bucket", state.ParameterValues["CodeS3Bucket"].GetValue<string>());
        Assert.False(state.EvaluateCondition("WafIpRuleBlocks"));
    }

    [Fact]
    public void ParameterValues_ApplyOverrides_AndTrimListMembers()
    {
        var state = State(Constrained, new() { ["Action"] = "Block", ["Rate"] = "75.5" });

        Assert.Equal("Block", state.ParameterValues["Action"].GetValue<string>());
        Assert.Equal("75.5", state.ParameterValues["Rate"].GetValue<string>());
        Assert.Equal("""["10.0.0.0/8","192.168.0.0/16"]""", Json(state.ParameterValues["Cidrs"]));
        Assert.Equal("""["80","443"]""", Json(state.ParameterValues["Ports"]));
    }

    [Theory]
    [InlineData("Action", "Allow", "AllowedValues")]
    [InlineData("Stage", "Dev", "AllowedPattern")]
    [InlineData("Stage", "dev1", "AllowedPattern")]
    [InlineData("Stage", "d", "MinLength")]
    [InlineData("Stage", "abcdef", "MaxLength")]
    [InlineData("Rate", "9", "MinValue")]
    [InlineData("Rate", "101", "MaxValue")]
    [InlineData("Rate", "fast", "not a number")]
    [InlineData("Retention", "8", "AllowedValues")]
    [InlineData("Cidrs", "10.0.0.0/8,everyone", "AllowedPattern")]
    [InlineData("Ports", "80,http", "not a number")]
    public void ParameterValues_FailNamingTheParameter_WhenAConstraintFails(string parameter, string value, string constraint)
    {
        var ex = Assert.Throws<TemplateException>(() => State(Constrained, new() { [parameter] = value }));

        Assert.Contains($"Parameter {parameter}", ex.Message, StringComparison.Ordinal);
        Assert.Contains(constraint, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParameterValues_AcceptANumberEqualToAnAllowedValue()
    {
        var state = State(Constrained, new() { ["Retention"] = "7.0" });

        Assert.Equal("7.0", state.ParameterValues["Retention"].GetValue<string>());
    }

    [Fact]
    public void ParameterValues_FailNamingTheParameter_WhenAValueIsMissing()
    {
        var ex = Assert.Throws<TemplateException>(() => new StackState(CloudFormationTemplate.Load(ProductionTemplatePath)));

        Assert.Contains("Parameter CodeS3Bucket has no value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParameterValues_FailNamingTheOverride_WhenItNamesNoParameter()
    {
        var ex = Assert.Throws<TemplateException>(() => State(Constrained, new() { ["Stagename"] = "dev" }));

        Assert.Contains("Stagename", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParameterValues_FailNamingTheParameter_ForAnUnsupportedType()
    {
        var ex = Assert.Throws<TemplateException>(() => State(
            "Parameters:\n  Key: { Type: 'AWS::EC2::KeyPair::KeyName', Default: k }\nResources:\n  R: { Type: T }\n"));

        Assert.Contains("Parameter Key has type AWS::EC2::KeyPair::KeyName", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("us-east-1", "aws", "amazonaws.com")]
    [InlineData("cn-north-1", "aws-cn", "amazonaws.com.cn")]
    [InlineData("us-gov-west-1", "aws-us-gov", "amazonaws.com")]
    public void PseudoParameters_FollowTheRegion(string region, string partition, string suffix)
    {
        var state = State(
            """
            Resources:
              R:
                Type: T
                Properties:
                  P: [!Ref AWS::Region, !Ref AWS::Partition, !Ref AWS::URLSuffix, !Ref AWS::AccountId, !Ref AWS::StackName, !Ref AWS::NotificationARNs]
            """, region: region);

        Assert.Equal($"""["{region}","{partition}","{suffix}","123456789012","secure-lambda",[]]""", Json(ResolveProperty(state)));
        Assert.Matches(
            $"^arn:{partition}:cloudformation:{region}:123456789012:stack/secure-lambda/[0-9a-f-]{{36}}$",
            IntrinsicResolver.Resolve(JsonNode.Parse("""{"Ref":"AWS::StackId"}"""), state)!.GetValue<string>());
    }

    [Fact]
    public void GetAttribute_ReturnsWhatWasSet_AndFailsForAnAttributeNeverSet()
    {
        var state = State("Resources:\n  Q: { Type: AWS::SQS::Queue }\n");
        state.SetPhysicalId("Q", "https://queue");
        state.SetAttribute("Q", "Arn", JsonValue.Create("arn:aws:sqs:us-east-1:123456789012:q"));

        Assert.True(state.IsProvisioned("Q"));
        Assert.Equal("https://queue", state.GetPhysicalId("Q"));
        Assert.Equal("arn:aws:sqs:us-east-1:123456789012:q", state.GetAttribute("Q", "Arn").GetValue<string>());
        var ex = Assert.Throws<TemplateException>(() => state.GetAttribute("Q", "QueueName"));
        Assert.Contains("QueueName", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Q", ex.Message, StringComparison.Ordinal);
        Assert.Throws<TemplateException>(() => state.SetPhysicalId("Nope", "x"));
    }

    [Fact]
    public void EvaluateCondition_EvaluatesNestedConditionFunctions()
    {
        var state = State(
            """
            Parameters:
              Env: { Type: String, Default: prod }
              Region2: { Type: String, Default: eu }
            Conditions:
              IsProd: !Equals [!Ref Env, prod]
              IsEu: { "Fn::Equals": [{ Ref: Region2 }, eu] }
              ProdInEu: !And [!Condition IsProd, !Condition IsEu]
              NotProd: !Not [!Condition IsProd]
              ProdOrDev: !Or [!Condition NotProd, !Equals [!Ref Env, prod], !Equals [a, b]]
              Nested: !And [!Or [!Condition NotProd, !Not [!Condition IsEu]], !Condition IsProd]
            Resources:
              R: { Type: T }
            """);

        Assert.True(state.EvaluateCondition("IsProd"));
        Assert.True(state.EvaluateCondition("ProdInEu"));
        Assert.False(state.EvaluateCondition("NotProd"));
        Assert.True(state.EvaluateCondition("ProdOrDev"));
        Assert.False(state.EvaluateCondition("Nested"));
    }

    [Fact]
    public void EvaluateCondition_FailsNamingTheCycle()
    {
        var state = State(
            """
            Conditions:
              A: !Condition B
              B: !Not [!Condition C]
              C: !And [!Condition A, !Equals [x, x]]
            Resources:
              R: { Type: T }
            """);

        var ex = Assert.Throws<TemplateException>(() => state.EvaluateCondition("A"));

        Assert.Contains("A -> B -> C -> A", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EvaluateCondition_FailsForAnUndefinedCondition()
    {
        var ex = Assert.Throws<TemplateException>(() => State("Resources:\n  R: { Type: T }\n").EvaluateCondition("Missing"));

        Assert.Contains("Missing", ex.Message, StringComparison.Ordinal);
    }
}
