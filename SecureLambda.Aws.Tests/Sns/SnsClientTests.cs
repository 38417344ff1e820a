using System.Net;
using SecureLambda.Aws.Sns;
using SecureLambda.Aws.Tests.Support;

namespace SecureLambda.Aws.Tests.Sns;

/// <summary>The request the client puts on the wire and how it reads replies, without a server.</summary>
public sealed class SnsClientTests
{
    private const string PublishReply = """
        <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
          <PublishResult><MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId></PublishResult>
          <ResponseMetadata><RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId></ResponseMetadata>
        </PublishResponse>
        """;

    [Fact]
    public async Task Publish_SendsQueryForm_AndReturnsMessageId()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Reply(HttpStatusCode.OK, PublishReply));
        using var http = new HttpClient(handler);
        var client = new SnsClient(http, TestContexts.Offline());

        var messageId = await client.PublishAsync(
            new SnsPublishRequest("arn:aws:sns:us-east-1:123456789012:t", "Ada", new Dictionary<string, string> { ["a b"] = "x+y" }),
            TestContext.Current.CancellationToken);

        Assert.Equal("567910cd-659e-55d4-8ccb-5aaf14679dc0", messageId);
        var sent = Assert.Single(handler.Requests);
        Assert.Equal(new Uri("https://sns.us-east-1.amazonaws.com/"), sent.Uri);
        Assert.Equal("application/x-www-form-urlencoded; charset=utf-8", sent.ContentType);
        Assert.Null(sent.Target);
        Assert.Equal(
            "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3At&Message=Ada" +
            "&MessageAttributes.entry.1.Name=a+b&MessageAttributes.entry.1.Value.DataType=String" +
            "&MessageAttributes.entry.1.Value.StringValue=x%2By",
            sent.Body);
        Assert.Contains("/us-east-1/sns/aws4_request, SignedHeaders=content-type;host;x-amz-date, ", sent.Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public void PublishForm_OmitsSubjectAndAttributes_WhenAbsent() =>
        Assert.Equal(
            "Action=Publish&Version=2010-03-31&TopicArn=t&Message=",
            SnsClient.PublishForm(new SnsPublishRequest("t", string.Empty)));

    [Theory]
    [InlineData("""<PublishResponse><PublishResult><MessageId>id</MessageId></PublishResult></PublishResponse>""")]
    [InlineData("not xml")]
    public async Task Publish_ThrowsClearError_WhenReplyIsNotAnSnsPublishResponse(string body)
    {
        var handler = new ScriptedHandler(ScriptedHandler.Reply(HttpStatusCode.OK, body));
        using var http = new HttpClient(handler);
        var client = new SnsClient(http, TestContexts.Offline());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => client.PublishAsync(new SnsPublishRequest("t", "m"), TestContext.Current.CancellationToken));

        Assert.Contains("Publish", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_RetriesThrottlingXmlError_AndSucceeds()
    {
        var handler = new ScriptedHandler(
            ScriptedHandler.Reply(
                HttpStatusCode.BadRequest,
                """<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>"""),
            ScriptedHandler.Reply(HttpStatusCode.OK, PublishReply));
        using var http = new HttpClient(handler);
        var client = new SnsClient(http, TestContexts.Offline());

        await client.PublishAsync(new SnsPublishRequest("t", "m"), TestContext.Current.CancellationToken);

        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task CreateTopicAndSubscribe_FlattenAttributes_AsTheQueryProtocolMapsThem()
    {
        var handler = new ScriptedHandler(
            ScriptedHandler.Reply(HttpStatusCode.OK, """<CreateTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><CreateTopicResult><TopicArn>arn:t</TopicArn></CreateTopicResult></CreateTopicResponse>"""),
            ScriptedHandler.Reply(HttpStatusCode.OK, """<SubscribeResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><SubscribeResult><SubscriptionArn>arn:t:s</SubscriptionArn></SubscribeResult></SubscribeResponse>"""));
        using var http = new HttpClient(handler);
        var client = new SnsClient(http, TestContexts.Offline());

        Assert.Equal("arn:t", await client.CreateTopicAsync("t", [new("DisplayName", "G"), new("KmsMasterKeyId", "k")], TestContext.Current.CancellationToken));
        Assert.Equal("arn:t:s", await client.SubscribeAsync("arn:t", "sqs", "arn:q", [new("RawMessageDelivery", "false")], TestContext.Current.CancellationToken));

        Assert.Equal(
            "Action=CreateTopic&Version=2010-03-31&Name=t&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=G" +
            "&Attributes.entry.2.key=KmsMasterKeyId&Attributes.entry.2.value=k",
            handler.Requests[0].Body);
        Assert.Equal(
            "Action=Subscribe&Version=2010-03-31&TopicArn=arn%3At&Protocol=sqs&Endpoint=arn%3Aq" +
            "&Attributes.entry.1.key=RawMessageDelivery&Attributes.entry.1.value=false&ReturnSubscriptionArn=true",
            handler.Requests[1].Body);
    }
}
