using System.Collections.Specialized;
using System.Text;
using System.Web;
using SecureLambda.LocalCloud.AwsEndpoint;
using SecureLambda.LocalCloud.Sns;

namespace SecureLambda.LocalCloud.Tests.Sns;

/// <summary>
/// What a Publish or PublishBatch published, read from the Query form and the engine's answer: only accepted entries,
/// each with its own message id, attributes and, for <c>MessageStructure=json</c>, its <c>lambda</c> member.
/// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html, https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html
/// </summary>
public sealed class SnsPublishesTests
{
    private const string Topic = "arn:aws:sns:us-east-1:123456789012:greetings";

    [Fact]
    public void Publish_GivesTheMessage_WithTheEnginesId_SubjectAndAttributes()
    {
        var form = Form(("Action", "Publish"), ("TopicArn", Topic), ("Message", "Ada & Grace"), ("Subject", "Hi"),
            ("MessageAttributes.entry.1.Name", "traceparent"), ("MessageAttributes.entry.1.Value.DataType", "String"),
            ("MessageAttributes.entry.1.Value.StringValue", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            ("MessageAttributes.entry.2.Name", "photo"), ("MessageAttributes.entry.2.Value.DataType", "Binary"),
            ("MessageAttributes.entry.2.Value.BinaryValue", "AQID"));
        var answer = """<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>"""u8;

        var message = Assert.Single(SnsPublishes.Accepted("Publish", form, answer));

        Assert.Equal((Topic, "m-1", "Ada & Grace", "Hi"), (message.TopicArn, message.MessageId, message.Message, message.Subject));
        Assert.Equal(new SnsAttributeValue("String", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), message.Attributes["traceparent"]);
        Assert.Equal(new SnsAttributeValue("Binary", "AQID"), message.Attributes["photo"]);
        Assert.Equal(Topic, SnsPublishes.TopicOf("Publish", form));
    }

    [Theory]
    [InlineData("""{"default":"everyone","lambda":"functions"}""", "functions")]
    [InlineData("""{"default":"everyone","sqs":"queues"}""", "everyone")]
    public void Publish_WithAJsonStructure_GivesTheLambdaMember_ElseTheDefault(string structured, string expected)
    {
        var form = Form(("Action", "Publish"), ("TargetArn", Topic), ("Message", structured), ("MessageStructure", "json"));

        var message = Assert.Single(SnsPublishes.Accepted("Publish", form, "<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>"u8));

        Assert.Equal(expected, message.Message);
    }

    [Fact]
    public void PublishBatch_GivesOnlyTheAcceptedEntries_EachWithItsOwnIdAndAttributes()
    {
        var form = Form(("Action", "PublishBatch"), ("TopicArn", Topic),
            ("PublishBatchRequestEntries.member.1.Id", "a"), ("PublishBatchRequestEntries.member.1.Message", "Grace"),
            ("PublishBatchRequestEntries.member.2.Id", "b"), ("PublishBatchRequestEntries.member.2.Message", "Hopper"),
            ("PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Name", "n"),
            ("PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Value.DataType", "Number"),
            ("PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Value.StringValue", "7"),
            ("PublishBatchRequestEntries.member.3.Id", "c"), ("PublishBatchRequestEntries.member.3.Message", "refused"));
        var answer = """
            <PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult>
              <Successful><member><Id>b</Id><MessageId>m-b</MessageId></member><member><Id>a</Id><MessageId>m-a</MessageId></member></Successful>
              <Failed><member><Id>c</Id><Code>InvalidParameter</Code><SenderFault>true</SenderFault></member></Failed>
            </PublishBatchResult></PublishBatchResponse>
            """u8;

        var messages = SnsPublishes.Accepted("PublishBatch", form, answer);

        Assert.Equal([("m-b", "Hopper"), ("m-a", "Grace")], messages.Select(m => (m.MessageId, m.Message)));
        Assert.Equal(new SnsAttributeValue("Number", "7"), messages[0].Attributes["n"]);
        Assert.Empty(messages[1].Attributes);
    }

    [Fact]
    public void OtherOperations_AndAPublishWithoutATopic_PublishNothingToSubscribers()
    {
        Assert.Null(SnsPublishes.TopicOf("Subscribe", Form(("TopicArn", Topic))));
        Assert.Null(SnsPublishes.TopicOf("Publish", Form(("PhoneNumber", "+15555550100"), ("Message", "sms"))));
        Assert.Empty(SnsPublishes.Accepted("Publish", Form(("PhoneNumber", "+15555550100"), ("Message", "sms")), "<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>"u8));
    }

    [Fact]
    public void AnAnswerThatIsNotXml_IsAFormatError_NotAnEmptyPublish()
    {
        Assert.Throws<FormatException>(() => SnsPublishes.Accepted("Publish", Form(("TopicArn", Topic), ("Message", "m")), "{}"u8));
    }

    /// <summary>The fields as the AWS endpoint reads them from a form body.</summary>
    private static NameValueCollection Form(params (string Name, string Value)[] fields) =>
        AwsRequestClassifier.Form(Encoding.UTF8.GetBytes(string.Join('&', fields.Select(field => $"{HttpUtility.UrlEncode(field.Name)}={HttpUtility.UrlEncode(field.Value)}"))));
}
