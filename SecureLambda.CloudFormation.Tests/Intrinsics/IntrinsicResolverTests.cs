using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Intrinsics;
using static SecureLambda.CloudFormation.Tests.Model.TemplateTestHelpers;

namespace SecureLambda.CloudFormation.Tests.Intrinsics;

public sealed class IntrinsicResolverTests
{
    private const string Header =
        """
        Parameters:
          Env: { Type: String, Default: prod }
          Zones: { Type: CommaDelimitedList, Default: "a,b,c" }
        Mappings:
          Sizes:
            prod: { Memory: "512", Tags: [x, y] }
        Conditions:
          IsProd: !Equals [!Ref Env, prod]
          IsDev: !Equals [!Ref Env, dev]
        Resources:
          Topic: { Type: AWS::SNS::Topic }
          Db: { Type: AWS::SNS::Topic }

        """;

    private static StackState Provisioned(string property)
    {
        var state = State(Header + "  R:\n    Type: T\n    Properties:\n      P: " + property + "\n");
        state.SetPhysicalId("Topic", "arn:aws:sns:us-east-1:123456789012:topic");
        state.SetAttribute("Topic", "TopicName", JsonValue.Create("topic"));
        state.SetPhysicalId("Db", "db-1");
        state.SetAttribute("Db", "Endpoint.Address", JsonValue.Create("db.local"));
        return state;
    }

    [Theory]
    [InlineData("!Ref Env", "\"prod\"")]
    [InlineData("{ Ref: Env }", "\"prod\"")]
    [InlineData("!Ref Zones", """["a","b","c"]""")]
    [InlineData("!Ref Topic", "\"arn:aws:sns:us-east-1:123456789012:topic\"")]
    [InlineData("{ Ref: Topic }", "\"arn:aws:sns:us-east-1:123456789012:topic\"")]
    [InlineData("!GetAtt Topic.TopicName", "\"topic\"")]
    [InlineData("{ 'Fn::GetAtt': [Topic, TopicName] }", "\"topic\"")]
    [InlineData("{ 'Fn::GetAtt': Topic.TopicName }", "\"topic\"")]
    [InlineData("!GetAtt [Topic, TopicName]", "\"topic\"")]
    [InlineData("!GetAtt Db.Endpoint.Address", "\"db.local\"")]
    [InlineData("!Sub ${Env}-${AWS::Region}", "\"prod-us-east-1\"")]
    [InlineData("{ 'Fn::Sub': '${Env}-${AWS::Region}' }", "\"prod-us-east-1\"")]
    [InlineData("!Join ['-', [a, !Ref Env, !Ref AWS::AccountId]]", "\"a-prod-123456789012\"")]
    [InlineData("{ 'Fn::Join': [',', { Ref: Zones }] }", "\"a,b,c\"")]
    [InlineData("!Select [1, !Ref Zones]", "\"b\"")]
    [InlineData("{ 'Fn::Select': ['2', [x, y, z]] }", "\"z\"")]
    [InlineData("!Split [',', 'a,b']", """["a","b"]""")]
    [InlineData("{ 'Fn::Split': ['|', { 'Fn::Sub': '${Env}|x' }] }", """["prod","x"]""")]
    [InlineData("!If [IsProd, big, small]", "\"big\"")]
    [InlineData("{ 'Fn::If': [IsDev, big, small] }", "\"small\"")]
    [InlineData("!Equals [!Ref Env, prod]", "true")]
    [InlineData("{ 'Fn::Equals': [a, b] }", "false")]
    [InlineData("!Not [!Condition IsProd]", "false")]
    [InlineData("{ 'Fn::Not': [{ Condition: IsDev }] }", "true")]
    [InlineData("!And [!Condition IsProd, !Equals [x, x]]", "true")]
    [InlineData("{ 'Fn::And': [{ Condition: IsProd }, { Condition: IsDev }] }", "false")]
    [InlineData("!Or [!Condition IsDev, !Equals [x, x]]", "true")]
    [InlineData("{ 'Fn::Or': [{ Condition: IsDev }, { 'Fn::Equals': [x, y] }] }", "false")]
    [InlineData("!Condition IsProd", "true")]
    [InlineData("!FindInMap [Sizes, !Ref Env, Memory]", "\"512\"")]
    [InlineData("{ 'Fn::FindInMap': [Sizes, prod, Tags] }", """["x","y"]""")]
    [InlineData("!Base64 hello", "\"aGVsbG8=\"")]
    [InlineData("{ 'Fn::Base64': { 'Fn::Sub': '${Env}' } }", "\"cHJvZA==\"")]
    [InlineData("!GetAZs ''", """["us-east-1a","us-east-1b","us-east-1c"]""")]
    [InlineData("{ 'Fn::GetAZs': { Ref: AWS::Region } }", """["us-east-1a","us-east-1b","us-east-1c"]""")]
    public void Resolve_EvaluatesEveryIntrinsic_InLongAndShortForm(string expression, string expected)
    {
        Assert.Equal(expected, Json(ResolveProperty(Provisioned(expression))));
    }

    [Fact]
    public void Resolve_Sub_ReplacesResourceAttributes()
    {
        var state = Provisioned("!Sub 'arn:${AWS::Partition}:x:${Topic}/${Topic.TopicName}/${Db.Endpoint.Address}'");

        Assert.Equal("arn:aws:x:arn:aws:sns:us-east-1:123456789012:topic/topic/db.local", ResolveProperty(state)!.GetValue<string>());
    }

    [Fact]
    public void Resolve_Sub_UsesTheVariableMap_AndWritesLiteralsForBangVariables()
    {
        var state = Provisioned("!Sub ['${Name}:${Env}:${!Literal}:${!AWS::Region}', { Name: !GetAtt Topic.TopicName, Env: override }]");

        Assert.Equal("topic:override:${Literal}:${AWS::Region}", ResolveProperty(state)!.GetValue<string>());
    }

    [Fact]
    public void Resolve_NoValue_RemovesThePropertyAndTheListElement()
    {
        var state = Provisioned(
            """

                    Keep: !If [IsProd, kept, !Ref AWS::NoValue]
                    Drop: !If [IsDev, dropped, !Ref AWS::NoValue]
                    List: [a, !If [IsDev, b, !Ref AWS::NoValue], c]
            """);

        Assert.Equal("""{"Keep":"kept","List":["a","c"]}""", Json(ResolveProperty(state)));
        Assert.Null(IntrinsicResolver.Resolve(JsonNode.Parse("""{"Ref":"AWS::NoValue"}"""), state));
    }

    [Fact]
    public void Resolve_If_DoesNotResolveTheBranchNotTaken()
    {
        var state = State(Header + "  R:\n    Type: T\n    Properties:\n      P: !If [IsProd, ok, !GetAtt Topic.Arn]\n");

        Assert.Equal("ok", ResolveProperty(state)!.GetValue<string>());
    }

    [Fact]
    public void Resolve_FindInMap_FallsBackToTheDefaultValue()
    {
        var state = Provisioned("!FindInMap [Sizes, staging, Memory, { DefaultValue: '128' }]");

        Assert.Equal("128", ResolveProperty(state)!.GetValue<string>());
        var missing = Provisioned("!FindInMap [Sizes, staging, Memory]");
        var ex = Assert.Throws<TemplateException>(() => ResolveProperty(missing));
        Assert.Contains("staging.Memory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NestedConditionsInsideIf()
    {
        var state = Provisioned("!If [IsProd, !If [IsDev, a, !Join ['', [b, !Select [0, !Split [',', 'c,d']]]]], e]");

        Assert.Equal("bc", ResolveProperty(state)!.GetValue<string>());
    }

    [Fact]
    public void Resolve_WalksObjectsAndListsAndLeavesPlainValues()
    {
        var state = Provisioned("{ A: [1, { B: !Ref Env }], Condition: { StringEquals: { k: v } }, Statement: { Condition: x, Effect: Allow } }");

        Assert.Equal(
            """{"A":["1",{"B":"prod"}],"Condition":{"StringEquals":{"k":"v"}},"Statement":{"Condition":"x","Effect":"Allow"}}""",
            Json(ResolveProperty(state)));
    }

    [Fact]
    public void Resolve_ReturnsANewTree()
    {
        var state = Provisioned("{ A: !Ref Env }");
        var original = state.Template.Resources["R"].Properties.ToJsonString();

        var resolved = ResolveProperty(state);

        Assert.Equal(original, state.Template.Resources["R"].Properties.ToJsonString());
        Assert.Equal("""{"A":"prod"}""", Json(resolved));
    }

    [Theory]
    [InlineData("!ImportValue Shared", "Fn::ImportValue")]
    [InlineData("!Cidr [10.0.0.0/16, 2, 8]", "Fn::Cidr")]
    [InlineData("{ 'Fn::Transform': { Name: X } }", "Fn::Transform")]
    [InlineData("{ 'Fn::Length': [a] }", "Fn::Length")]
    public void Resolve_FailsNamingTheIntrinsicAndResource_ForAnUnsupportedIntrinsic(string expression, string intrinsic)
    {
        var ex = Assert.Throws<TemplateException>(() => ResolveProperty(Provisioned(expression)));

        Assert.Equal($"LocalCloud does not support {intrinsic} in resource R.", ex.Message);
    }

    [Theory]
    [InlineData("!Ref Pending")]
    [InlineData("!GetAtt Pending.Arn")]
    [InlineData("!Sub '${Pending}'")]
    [InlineData("!Sub '${Pending.Arn}'")]
    public void Resolve_FailsNamingBoth_WhenAResourceIsNotProvisionedYet(string expression)
    {
        var state = State(Header + "  Pending: { Type: T }\n  R:\n    Type: T\n    Properties:\n      P: " + expression + "\n");

        var ex = Assert.Throws<TemplateException>(() => ResolveProperty(state));

        Assert.Contains("Pending", ex.Message, StringComparison.Ordinal);
        Assert.Contains("resource R", ex.Message, StringComparison.Ordinal);
        Assert.Contains("before Pending is provisioned", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_FailsNamingBoth_ForAnAttributeNeverSet()
    {
        var ex = Assert.Throws<TemplateException>(() => ResolveProperty(Provisioned("!GetAtt Topic.Arn")));

        Assert.Contains("Topic.Arn", ex.Message, StringComparison.Ordinal);
        Assert.Contains("resource R", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_FailsForARefToAnUnknownName()
    {
        var ex = Assert.Throws<TemplateException>(() => ResolveProperty(Provisioned("!Ref Nothing")));

        Assert.Contains("Ref to Nothing in resource R", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_FailsForASelectIndexOutOfRange()
    {
        var ex = Assert.Throws<TemplateException>(() => ResolveProperty(Provisioned("!Select [3, [a, b]]")));

        Assert.Contains("out of range", ex.Message, StringComparison.Ordinal);
    }
}
