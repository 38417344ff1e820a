using SecureLambda.CloudFormation.Intrinsics;
using Xunit;

namespace SecureLambda.CloudFormation.Tests;

public sealed class OutputsTests
{
    private static readonly CloudFormationTemplate Template = SecureLambdaTemplate.Template;

    [Fact]
    public void Outputs_HaveExactlyTheAgreedKeys()
    {
        Assert.Equal(
            ["AlarmTopicArn", "ApiUrl", "ClientApp1ApiKeyId", "ClientApp2ApiKeyId", "SecretArn", "TopicArn", "UserPool1ClientId", "UserPool1Id", "UserPool2ClientId", "UserPool2Id"],
            Template.Outputs.Select(output => output.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("UserPool1Id", "MyUserPool1")]
    [InlineData("UserPool1ClientId", "UserPool1Client")]
    [InlineData("UserPool2Id", "MyUserPool2")]
    [InlineData("UserPool2ClientId", "UserPool2Client")]
    [InlineData("TopicArn", "GreetingTopic")]
    [InlineData("SecretArn", "TopicArnSecret")]
    [InlineData("AlarmTopicArn", "AlarmTopic")]
    [InlineData("ClientApp1ApiKeyId", "ClientApp1ApiKey")]
    [InlineData("ClientApp2ApiKeyId", "ClientApp2ApiKey")]
    public void Output_RefersToItsResource(string output, string logicalId) =>
        Assert.Equal(logicalId, IntrinsicReferences.RefTarget(Template.Outputs[output].Value));

    [Fact]
    public void ApiUrl_IsTheStageInvokeUrl() =>
        Assert.Equal(
            "https://${GreetingApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${GreetingApiStage}",
            IntrinsicReferences.SubTemplate(Template.Outputs["ApiUrl"].Value));
}
