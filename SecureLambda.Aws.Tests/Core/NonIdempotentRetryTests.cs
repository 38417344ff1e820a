using System.Net;
using System.Net.Sockets;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.SecretsManager;
using SecureLambda.Aws.Sns;
using SecureLambda.Aws.Tests.Support;

namespace SecureLambda.Aws.Tests.Core;

/// <summary>
/// One call is at most three sends, and a call that creates or sends something is sent again only when the service
/// cannot have acted on it. The SDKs' standard mode makes 3 attempts
/// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html); a second Publish after a 500 or a
/// timeout could deliver the greeting twice.
/// </summary>
public sealed class NonIdempotentRetryTests
{
    private const string PublishReply = """
        <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
          <PublishResult><MessageId>m-1</MessageId></PublishResult>
        </PublishResponse>
        """;

    private static readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> InternalError =
        ScriptedHandler.Reply(
            HttpStatusCode.InternalServerError,
            """<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Receiver</Type><Code>InternalError</Code><Message>Oops</Message></Error><RequestId>r</RequestId></ErrorResponse>""");

    private static readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Published =
        ScriptedHandler.Reply(HttpStatusCode.OK, PublishReply);

    private static Task<string> PublishAsync(ScriptedHandler handler, HttpClient? http = null)
    {
        var client = new SnsClient(http ?? new HttpClient(handler), TestContexts.Offline());
        return client.PublishAsync(new SnsPublishRequest("arn:aws:sns:us-east-1:123456789012:t", "Ada"), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Publish_IsSentOnce_WhenTheServiceAnswers500()
    {
        var handler = new ScriptedHandler(InternalError, Published);

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => PublishAsync(handler));

        Assert.Equal("InternalError", error.ErrorCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Publish_IsSentOnce_WhenTheConnectionIsLostAfterSending()
    {
        var handler = new ScriptedHandler(
            ScriptedHandler.Throw(new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.")),
            Published);

        await Assert.ThrowsAsync<HttpRequestException>(() => PublishAsync(handler));

        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Publish_IsSentOnce_WhenTheRequestTimesOutAfterSending()
    {
        static async Task<HttpResponseMessage> Hang(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var never = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var registration = cancellationToken.Register(() => never.TrySetCanceled(cancellationToken));
            return await never.Task;
        }

        var handler = new ScriptedHandler(Hang, Published);
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromMilliseconds(100) };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PublishAsync(handler, http));

        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Publish_IsRetried_WhenTheConnectionWasRefusedBeforeSending()
    {
        var refused = new HttpRequestException(
            HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));
        var handler = new ScriptedHandler(ScriptedHandler.Throw(refused), Published);

        Assert.Equal("m-1", await PublishAsync(handler));
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Publish_IsRetried_WhenThrottled_AtMostThreeSends()
    {
        var throttled = ScriptedHandler.Reply(
            HttpStatusCode.BadRequest,
            """<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>""");
        var handler = new ScriptedHandler(throttled);

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => PublishAsync(handler));

        Assert.Equal("Throttling", error.ErrorCode);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task GetSecretValue_IsAtMostThreeSends_WhateverTheFailure()
    {
        var handler = new ScriptedHandler(
            ScriptedHandler.Throw(new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.")),
            ScriptedHandler.Reply(HttpStatusCode.InternalServerError, """{"__type":"InternalServiceError","message":"Oops"}"""),
            ScriptedHandler.Reply(HttpStatusCode.ServiceUnavailable, """{"__type":"ServiceUnavailableException","message":"Try again."}"""),
            ScriptedHandler.Reply(HttpStatusCode.OK, """{"SecretString":"never read"}"""));
        using var http = new HttpClient(handler);
        var client = new SecretsManagerClient(http, TestContexts.Offline());

        await Assert.ThrowsAsync<AwsServiceException>(
            () => client.GetSecretStringAsync("LambdaSNSTopicARN", TestContext.Current.CancellationToken));

        Assert.Equal(3, handler.Requests.Count);
    }

    [Theory]
    [InlineData("GetSecretValue", true)]
    [InlineData("ListTopics", true)]
    [InlineData("DescribeUserPool", true)]
    [InlineData("AdminGetUser", true)]
    [InlineData("GetCallerIdentity", true)]
    [InlineData("CreateTopic", true)]
    [InlineData("Publish", false)]
    [InlineData("Subscribe", false)]
    [InlineData("AdminCreateUser", false)]
    [InlineData("CreateUserPool", false)]
    [InlineData("CreateSecret", false)]
    [InlineData("InitiateAuth", false)]
    [InlineData("ExecuteChangeSet", false)]
    [InlineData("Listen", false)]
    public void Operation_IsIdempotent_OnlyWhenReadOnlyOrDocumentedSo(string operation, bool expected) =>
        Assert.Equal(expected, AwsOperationIdempotency.IsIdempotent(operation));
}
