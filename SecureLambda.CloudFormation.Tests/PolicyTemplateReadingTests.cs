using System.Text.Json.Nodes;
using SecureLambda.CloudFormation.Intrinsics;
using Xunit;

namespace SecureLambda.CloudFormation.Tests;

public sealed class PolicyTemplateReadingTests
{
    private const string ShortForms = """
        Conditions:
          Blocks: !Equals [!Ref Mode, Block]
        Resources:
          Topic:
            Type: AWS::SNS::Topic
          Thing:
            Type: Custom::Thing
            DependsOn: Topic
            Properties:
              ByRef: !Ref Topic
              ByGetAtt: !GetAtt Topic.TopicName
              ByGetAttList: !GetAtt [Topic, TopicArn]
              BySub: !Sub arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${Topic.TopicName}/${!Literal}
              BySubList: !Sub ["${Prefix}-${Other}", {Prefix: !Ref Topic}]
              ByIf: !If [Blocks, {Block: {}}, {Count: {}}]
              ByJoin: !Join ["", [!Select [0, !Split [",", !Ref List]], "-x"]]
              Quoted: "*"
              Empty:
        """;

    private static readonly CloudFormationTemplate Document = PolicyTemplate.Parse(ShortForms);

    private static JsonNode? Property(string name) => Document.Resource("Thing").Properties[name];

    [Fact]
    public void ShortRef_ReadsAsLongFormRef() =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"Ref":"Topic"}"""), Property("ByRef")));

    [Fact]
    public void ShortGetAtt_InBothForms_ReadsAsLogicalIdAndAttribute()
    {
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"Fn::GetAtt":["Topic","TopicName"]}"""), Property("ByGetAtt")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"Fn::GetAtt":["Topic","TopicArn"]}"""), Property("ByGetAttList")));
    }

    [Fact]
    public void ShortIfAndNestedFunctions_ReadAsLongForms()
    {
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"Fn::If":["Blocks",{"Block":{}},{"Count":{}}]}"""), Property("ByIf")));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"Fn::Join":["",[{"Fn::Select":["0",{"Fn::Split":[",",{"Ref":"List"}]}]},"-x"]]}"""),
            Property("ByJoin")));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"Fn::Equals":[{"Ref":"Mode"},"Block"]}"""), Document.Conditions["Blocks"]));
    }

    [Fact]
    public void SubReferences_AreResourcesAndParameters_NotPseudoParametersLiteralsOrLocalVariables()
    {
        Assert.Equal(["Topic"], IntrinsicReferences.References(Property("BySub")));
        Assert.Equal(["Other", "Topic"], IntrinsicReferences.References(Property("BySubList")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Scalars_StayStrings_AndEmptyValuesAreNull()
    {
        Assert.Equal("*", Document.Resource("Thing").Text("Quoted"));
        Assert.True(Document.Resource("Thing").Properties.ContainsKey("Empty"));
        Assert.Null(Property("Empty"));
        Assert.Equal(["Topic"], Document.Resource("Thing").DependsOn);
    }

    [Fact]
    public void ResourcesAreFoundByTypeAndByReference()
    {
        Assert.Equal("Topic", Assert.Single(Document.OfType("AWS::SNS::Topic")).LogicalId);
        Assert.Equal("Topic", Document.Target(Property("ByGetAtt"))?.LogicalId);
        Assert.Throws<KeyNotFoundException>(() => Document.Resource("Missing"));
    }

    [Theory]
    [InlineData("Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: !Bogus y\n")]
    [InlineData("Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: !GetAtt NoAttribute\n")]
    [InlineData("Resources:\n  A:\n    Properties: {}\n")]
    [InlineData("Resources:\n  A:\n    Type: AWS::SNS::Topic\n  A:\n    Type: AWS::SQS::Queue\n")]
    [InlineData("Parameters: {}\n")]
    public void MalformedTemplates_FailLoudly(string yaml)
    {
        var error = Record.Exception(() => PolicyTemplate.Parse(yaml));
        Assert.True(error is TemplateException, $"expected a parse error, got {error}");
    }
}
