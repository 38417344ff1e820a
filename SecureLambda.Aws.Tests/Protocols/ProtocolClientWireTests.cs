using System.Net;
using System.Text.Json.Nodes;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Protocols;
using SecureLambda.Aws.Tests.Support;

namespace SecureLambda.Aws.Tests.Protocols;

public sealed class ProtocolClientWireTests
{
    [Fact]
    public async Task JsonClient_SendsTargetPrefixDotOperation_AndJson11Body()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Reply(HttpStatusCode.OK, """{"UserPools":[]}"""));
        using var http = new HttpClient(handler);
        var client = new AwsJsonProtocolClient(
            http, TestContexts.Offline(), AwsServiceDescriptor.CognitoIdentityProvider, "AWSCognitoIdentityProviderService");

        var reply = await client.CallAsync("ListUserPools", new JsonObject { ["MaxResults"] = 60 }, TestContext.Current.CancellationToken);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("AWSCognitoIdentityProviderService.ListUserPools", request.Target);
        Assert.Equal("application/x-amz-json-1.1", request.ContentType);
        Assert.Equal("""{"MaxResults":60}""", request.Body);
        Assert.Equal(new Uri("https://cognito-idp.us-east-1.amazonaws.com/"), request.Uri);
        Assert.Contains("/cognito-idp/aws4_request", request.Authorization, StringComparison.Ordinal);
        Assert.Empty(reply["UserPools"]!.AsArray());
    }

    [Fact]
    public async Task JsonClient_RetriesThrottling_ThenMapsErrorCode()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Reply(
            HttpStatusCode.BadRequest, """{"__type":"TooManyRequestsException","message":"Rate exceeded"}"""));
        using var http = new HttpClient(handler);
        var client = new AwsJsonProtocolClient(http, TestContexts.Offline(), AwsServiceDescriptor.CognitoIdentityProvider, "AWSCognitoIdentityProviderService");

        var error = await Assert.ThrowsAsync<AwsServiceException>(
            () => client.CallAsync("ListUserPools", [], TestContext.Current.CancellationToken));

        Assert.Equal("TooManyRequestsException", error.ErrorCode);
        Assert.Equal("Rate exceeded", error.AwsMessage);
        Assert.True(handler.Requests.Count > 1, "a throttling error is retried");
    }

    [Fact]
    public async Task QueryClient_SendsActionVersionThenParameters_FormEncoded()
    {
        const string reply = """
            <CreateTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
              <CreateTopicResult><TopicArn>arn:aws:sns:us-east-1:123456789012:a</TopicArn></CreateTopicResult>
              <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
            </CreateTopicResponse>
            """;
        var handler = new ScriptedHandler(ScriptedHandler.Reply(HttpStatusCode.OK, reply));
        using var http = new HttpClient(handler);
        var client = new AwsQueryProtocolClient(http, TestContexts.Offline(), AwsServiceDescriptor.Sns, "2010-03-31");

        var result = await client.CallAsync(
            "CreateTopic",
            [new("Name", "a b"), new("Attributes.entry.1.key", "KmsMasterKeyId"), new("Attributes.entry.1.value", "alias/aws/sns")],
            TestContext.Current.CancellationToken);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(
            "Action=CreateTopic&Version=2010-03-31&Name=a+b&Attributes.entry.1.key=KmsMasterKeyId&Attributes.entry.1.value=alias%2Faws%2Fsns",
            request.Body);
        Assert.Equal("CreateTopicResult", result.Name.LocalName);
        Assert.Equal("arn:aws:sns:us-east-1:123456789012:a", result.Elements().Single().Value);
    }

    [Fact]
    public async Task QueryClient_ReturnsEmptyResult_WhenReplyHasOnlyResponseMetadata()
    {
        const string reply = """
            <UnsubscribeResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
              <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
            </UnsubscribeResponse>
            """;
        using var http = new HttpClient(new ScriptedHandler(ScriptedHandler.Reply(HttpStatusCode.OK, reply)));
        var client = new AwsQueryProtocolClient(http, TestContexts.Offline(), AwsServiceDescriptor.Sns, "2010-03-31");

        var result = await client.CallAsync("Unsubscribe", [new("SubscriptionArn", "arn:x")], TestContext.Current.CancellationToken);

        Assert.Equal("UnsubscribeResult", result.Name.LocalName);
        Assert.False(result.HasElements);
    }
}
