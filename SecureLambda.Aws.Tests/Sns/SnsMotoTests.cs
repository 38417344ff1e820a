using System.Net;
using System.Text.Json;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Sns;
using SecureLambda.Aws.Tests.Support;
using SecureLambda.Testing;

namespace SecureLambda.Aws.Tests.Sns;

[Collection(MotoServerCollectionDefinition.Name)]
public sealed class SnsMotoTests(MotoServerFixture moto) : IDisposable
{
    private static readonly TimeSpan ReceiveDeadline = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Publish_DeliversMessageAndStringAttributes_ToSubscribedQueue()
    {
        var suffix = Guid.NewGuid().ToString("N");
        var topicArn = (await moto.Server.AwsCliAsync("sns", "create-topic", "--name", $"greetings-{suffix}"))!.Value
            .GetProperty("TopicArn").GetString()!;
        var queueUrl = (await moto.Server.AwsCliAsync("sqs", "create-queue", "--queue-name", $"greetings-{suffix}"))!.Value
            .GetProperty("QueueUrl").GetString()!;
        var queueArn = (await moto.Server.AwsCliAsync(
                "sqs", "get-queue-attributes", "--queue-url", queueUrl, "--attribute-names", "QueueArn"))!.Value
            .GetProperty("Attributes").GetProperty("QueueArn").GetString()!;
        await moto.Server.AwsCliAsync(
            "sns", "subscribe", "--topic-arn", topicArn, "--protocol", "sqs", "--notification-endpoint", queueArn);
        var client = new SnsClient(_http, MotoClients.Context(moto.Server));
        const string message = """{"name":"Ada Lovelace & Zoë +1"}""";

        var messageId = await client.PublishAsync(
            new SnsPublishRequest(
                topicArn,
                message,
                new Dictionary<string, string>
                {
                    ["greeter"] = "ExternalLambda1",
                    ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                },
                Subject: "Greeting"),
            TestContext.Current.CancellationToken);

        var envelope = await ReceiveOneAsync(queueUrl);
        Assert.Equal("Notification", envelope.GetProperty("Type").GetString());
        Assert.Equal(messageId, envelope.GetProperty("MessageId").GetString());
        Assert.Equal(topicArn, envelope.GetProperty("TopicArn").GetString());
        Assert.Equal(message, envelope.GetProperty("Message").GetString());
        Assert.Equal("Greeting", envelope.GetProperty("Subject").GetString());
        var attributes = envelope.GetProperty("MessageAttributes");
        Assert.Equal("String", attributes.GetProperty("greeter").GetProperty("Type").GetString());
        Assert.Equal("ExternalLambda1", attributes.GetProperty("greeter").GetProperty("Value").GetString());
        Assert.Equal(
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            attributes.GetProperty("traceparent").GetProperty("Value").GetString());
    }

    [Fact]
    public async Task Publish_ThrowsNotFound_WhenTopicDoesNotExist()
    {
        var client = new SnsClient(_http, MotoClients.Context(moto.Server));

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => client.PublishAsync(
            new SnsPublishRequest($"arn:aws:sns:us-east-1:123456789012:missing-{Guid.NewGuid():N}", "Ada"),
            TestContext.Current.CancellationToken));

        // Code and status are what AWS documents for a missing topic (NotFound, HTTP 404). The message is moto's own
        // ("Endpoint does not exist"; AWS says "Topic does not exist"), so it is not asserted.
        Assert.Equal("NotFound", error.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
    }

    /// <summary>Long-polls the queue with the AWS CLI until one message arrives or the deadline passes.</summary>
    private async Task<JsonElement> ReceiveOneAsync(string queueUrl)
    {
        var deadline = DateTimeOffset.UtcNow + ReceiveDeadline;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var reply = await moto.Server.AwsCliAsync(
                "sqs", "receive-message", "--queue-url", queueUrl, "--wait-time-seconds", "1", "--max-number-of-messages", "1");
            if (reply is { } json && json.TryGetProperty("Messages", out var messages) && messages.GetArrayLength() > 0)
            {
                using var envelope = JsonDocument.Parse(messages[0].GetProperty("Body").GetString()!);
                return envelope.RootElement.Clone();
            }
        }

        throw new TimeoutException($"No message reached {queueUrl} within {ReceiveDeadline}.");
    }
}
