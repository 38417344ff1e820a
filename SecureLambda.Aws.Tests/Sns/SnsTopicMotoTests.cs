using SecureLambda.Aws.Core;
using SecureLambda.Aws.Sns;
using SecureLambda.Aws.Tests.Support;
using SecureLambda.Testing;

namespace SecureLambda.Aws.Tests.Sns;

/// <summary>The topic and subscription calls LocalCloud's provisioning makes, against moto.</summary>
[Collection(MotoServerCollectionDefinition.Name)]
public sealed class SnsTopicMotoTests(MotoServerFixture moto) : IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task CreateTopic_WithAttributes_IsIdempotent_AndListedWithThem()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = new SnsClient(_http, MotoClients.Context(moto.Server));
        var name = $"topic-{Guid.NewGuid():N}";

        var arn = await client.CreateTopicAsync(name, [new("DisplayName", "Greetings")], ct);
        var again = await client.CreateTopicAsync(name, [new("DisplayName", "Greetings")], ct);

        // "This action is idempotent" (https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html).
        Assert.Equal(arn, again);
        Assert.EndsWith(":" + name, arn, StringComparison.Ordinal);
        Assert.Contains(arn, await client.ListTopicsAsync(ct));
        var attributes = await client.GetTopicAttributesAsync(arn, ct);
        Assert.Equal("Greetings", attributes["DisplayName"]);
        Assert.Equal(arn, attributes["TopicArn"]);
    }

    [Fact]
    public async Task Subscribe_ReturnsTheSubscriptionArn_WithItsAttributes()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = new SnsClient(_http, MotoClients.Context(moto.Server));
        var suffix = Guid.NewGuid().ToString("N");
        var topicArn = await client.CreateTopicAsync($"topic-{suffix}", cancellationToken: ct);
        var queueUrl = (await moto.Server.AwsCliAsync("sqs", "create-queue", "--queue-name", $"queue-{suffix}"))!.Value
            .GetProperty("QueueUrl").GetString()!;
        var queueArn = (await moto.Server.AwsCliAsync("sqs", "get-queue-attributes", "--queue-url", queueUrl, "--attribute-names", "QueueArn"))!.Value
            .GetProperty("Attributes").GetProperty("QueueArn").GetString()!;

        var subscriptionArn = await client.SubscribeAsync(topicArn, "sqs", queueArn, [new("RawMessageDelivery", "true")], ct);

        Assert.StartsWith(topicArn + ":", subscriptionArn, StringComparison.Ordinal);
        var attributes = (await moto.Server.AwsCliAsync("sns", "get-subscription-attributes", "--subscription-arn", subscriptionArn))!.Value
            .GetProperty("Attributes");
        Assert.Equal("true", attributes.GetProperty("RawMessageDelivery").GetString());
    }

    [Fact]
    public async Task GetTopicAttributes_ThrowsNotFound_ForATopicThatIsGone()
    {
        var client = new SnsClient(_http, MotoClients.Context(moto.Server));

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => client.GetTopicAttributesAsync(
            $"arn:aws:sns:us-east-1:123456789012:missing-{Guid.NewGuid():N}", TestContext.Current.CancellationToken));

        Assert.Equal("NotFound", error.ErrorCode);
    }
}
