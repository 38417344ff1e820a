using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;

namespace SecureLambda.CloudFormation.Tests.Model;

public sealed class CloudFormationTemplateTests
{
    [Fact]
    public void Load_ReadsTheProductionTemplate()
    {
        var template = CloudFormationTemplate.Load(TemplateTestHelpers.ProductionTemplatePath);

        Assert.Equal("GreetingTopic", template.Resources.Keys.First());
        Assert.Equal("AWS::SNS::Topic", template.Resources["GreetingTopic"].Type);
        Assert.Equal(
            ["Lambda1PostMethod", "Lambda2PostMethod", "GreetingApiDefault4xxResponse", "GreetingApiDefault5xxResponse"],
            template.Resources["GreetingApiDeployment"].DependsOn);
        Assert.Equal(["ApiGatewayAccount"], template.Resources["GreetingApiStage"].DependsOn);
        Assert.Equal("""{"Ref":"MyUserPool1"}""", template.Resources["UserPool1Client"].Properties["UserPoolId"]!.ToJsonString());
        Assert.Equal("""{"Fn::GetAtt":["MyUserPool1","Arn"]}""",
            template.Resources["Lambda1Authorizer"].Properties["ProviderARNs"]![0]!.ToJsonString());
        Assert.Equal(["Count", "Block"], template.Parameters["WafIpRuleAction"].AllowedValues!);
        Assert.Equal(10, template.Parameters["WafRateLimit"].MinValue);
        Assert.Equal(63, template.Parameters["CodeS3Bucket"].MaxLength);
        Assert.Equal("""{"Fn::Equals":[{"Ref":"WafIpRuleAction"},"Block"]}""", template.Conditions["WafIpRuleBlocks"].ToJsonString());
        Assert.Equal(10, template.Outputs.Count);
        Assert.Equal("Invoke URL of the stage; POST to /lambda1 or /lambda2.", template.Outputs["ApiUrl"].Description);
    }

    [Fact]
    public void Parse_KeepsResourcesInTemplateOrder()
    {
        var template = CloudFormationTemplate.Parse(
            """
            Resources:
              Zeta: { Type: AWS::SNS::Topic }
              Alpha: { Type: AWS::SNS::Topic }
              Mid: { Type: AWS::SNS::Topic }
            """, "t.yaml");

        Assert.Equal(["Zeta", "Alpha", "Mid"], template.Resources.Keys);
        Assert.Empty(template.Resources["Zeta"].Properties);
    }

    [Fact]
    public void Parse_ReadsJsonTemplates()
    {
        var template = CloudFormationTemplate.Parse(
            """
            {"Resources": {"T": {"Type": "AWS::SNS::Topic", "Condition": "C",
              "Properties": {"TopicName": {"Fn::Sub": "${AWS::StackName}-t"}, "Fifo": false, "N": 3}}},
             "Conditions": {"C": {"Fn::Equals": ["a", "a"]}}}
            """, "t.json");

        var topic = template.Resources["T"];
        Assert.Equal("C", topic.Condition);
        Assert.Equal("""{"TopicName":{"Fn::Sub":"${AWS::StackName}-t"},"Fifo":"false","N":"3"}""", topic.Properties.ToJsonString());
    }

    [Fact]
    public void Parse_KeepsScalarsAsStrings_AndPlainNullAsNull()
    {
        var template = CloudFormationTemplate.Parse(
            """
            Resources:
              R:
                Type: AWS::SNS::Topic
                Properties:
                  Number: 10
                  Flag: true
                  Quoted: "10"
                  Empty:
                  Tilde: ~
            """, "t.yaml");

        Assert.Equal("""{"Number":"10","Flag":"true","Quoted":"10","Empty":null,"Tilde":null}""",
            template.Resources["R"].Properties.ToJsonString());
    }

    [Theory]
    [InlineData("!Ref X", """{"Ref":"X"}""")]
    [InlineData("!GetAtt A.Endpoint.Address", """{"Fn::GetAtt":["A","Endpoint.Address"]}""")]
    [InlineData("!GetAtt [A, B]", """{"Fn::GetAtt":["A","B"]}""")]
    [InlineData("!Sub ${X}-y", """{"Fn::Sub":"${X}-y"}""")]
    [InlineData("!Sub [\"${A}\", {A: b}]", """{"Fn::Sub":["${A}",{"A":"b"}]}""")]
    [InlineData("!Join [',', [a, !Ref X]]", """{"Fn::Join":[",",["a",{"Ref":"X"}]]}""")]
    [InlineData("!Select [0, !Split [',', a]]", """{"Fn::Select":["0",{"Fn::Split":[",","a"]}]}""")]
    [InlineData("!If [C, a, !Ref AWS::NoValue]", """{"Fn::If":["C","a",{"Ref":"AWS::NoValue"}]}""")]
    [InlineData("!Equals [a, b]", """{"Fn::Equals":["a","b"]}""")]
    [InlineData("!Not [!Condition C]", """{"Fn::Not":[{"Condition":"C"}]}""")]
    [InlineData("!And [!Condition C, !Or [!Condition D, !Condition E]]",
        """{"Fn::And":[{"Condition":"C"},{"Fn::Or":[{"Condition":"D"},{"Condition":"E"}]}]}""")]
    [InlineData("!FindInMap [M, a, b]", """{"Fn::FindInMap":["M","a","b"]}""")]
    [InlineData("!Base64 text", """{"Fn::Base64":"text"}""")]
    [InlineData("!GetAZs ''", """{"Fn::GetAZs":""}""")]
    [InlineData("!GetAZs", """{"Fn::GetAZs":""}""")]
    [InlineData("!Cidr [10.0.0.0/16, 2, 8]", """{"Fn::Cidr":["10.0.0.0/16","2","8"]}""")]
    [InlineData("!ImportValue Shared", """{"Fn::ImportValue":"Shared"}""")]
    [InlineData("!Base64 {Ref: X}", """{"Fn::Base64":{"Ref":"X"}}""")]
    public void Parse_TurnsShortFormsIntoLongForms(string yaml, string expected)
    {
        var template = CloudFormationTemplate.Parse($"Resources:\n  R:\n    Type: T\n    Properties:\n      P: {yaml}\n", "t.yaml");

        Assert.Equal(expected, template.Resources["R"].Properties["P"]!.ToJsonString());
    }

    [Fact]
    public void Parse_FailsNamingTheLineAndResource_ForAnUnknownTag()
    {
        var ex = Assert.Throws<TemplateException>(() => CloudFormationTemplate.Parse(
            "Resources:\n  Fine:\n    Type: T\n  Broken:\n    Type: T\n    Properties:\n      P: !Length [a]\n", "t.yaml"));

        Assert.Contains("!Length", ex.Message, StringComparison.Ordinal);
        Assert.Contains("resource Broken", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("t.yaml:7:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FailsNamingTheLine_ForADuplicateKey()
    {
        var ex = Assert.Throws<TemplateException>(() => CloudFormationTemplate.Parse(
            "Resources:\n  R:\n    Type: T\n    Properties:\n      A: 1\n      A: 2\n", "t.yaml"));

        Assert.Contains("t.yaml:6", ex.Message, StringComparison.Ordinal);
        Assert.Contains("A", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FailsNamingTheLineAndResource_ForAResourceWithoutType()
    {
        var ex = Assert.Throws<TemplateException>(() => CloudFormationTemplate.Parse(
            "Resources:\n  Fine:\n    Type: T\n  NoType:\n    Properties: {}\n", "t.yaml"));

        Assert.Equal("t.yaml:5: Resource NoType has no Type.", ex.Message);
    }

    [Fact]
    public void Parse_Fails_ForATransform()
    {
        var ex = Assert.Throws<TemplateException>(() => CloudFormationTemplate.Parse(
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  R:\n    Type: T\n", "t.yaml"));

        Assert.Contains("Transform", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Fails_ForInvalidYaml()
    {
        var ex = Assert.Throws<TemplateException>(() => CloudFormationTemplate.Parse("Resources: [a\n", "bad.yaml"));

        Assert.StartsWith("bad.yaml:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReadsOutputsWithConditionAndDescription()
    {
        var template = CloudFormationTemplate.Parse(
            "Resources:\n  R:\n    Type: T\nOutputs:\n  O:\n    Condition: C\n    Description: d\n    Value: !Ref R\n", "t.yaml");

        var output = template.Outputs["O"];
        Assert.Equal(("O", "C", "d"), (output.Name, output.Condition, output.Description));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"Ref":"R"}"""), output.Value));
    }
}
