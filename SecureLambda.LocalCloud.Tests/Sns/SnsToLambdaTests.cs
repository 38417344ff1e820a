using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Lambda;
using SecureLambda.LocalCloud.Tests.ApiGateway;
using SecureLambda.LocalCloud.Tests.Lambda;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Sns;

/// <summary>
/// SNS → Lambda through the stack's AWS endpoint, with the AWS CLI as the publisher: the engine keeps the topic and
/// accepts the publish, and Lambda's own queue hands InternalLambda the event, with the engine's message id and every
/// attribute; what the engine refuses reaches no function.
/// https://docs.aws.amazon.com/sns/latest/dg/sns-lambda-as-subscriber.html
/// </summary>
public sealed class SnsToLambdaTests(LocalCloudApp app) : IClassFixture<LocalCloudApp>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    private string Endpoint => app.AwsEndpoint.ToString().TrimEnd('/');

    private string TopicArn => app.Outputs.GetProperty("TopicArn").GetString()!;

    private int Queued => app.Server.Services.GetRequiredService<AsyncInvocations>().Queued("InternalLambda");

    [Fact]
    public async Task AwsCli_PublishAndPublishBatch_ReachInternalLambda_WithTheEnginesMessageIds_AndTheirAttributes()
    {
        await using var internalLambda = new TestRuntime(app.Address, app.RuntimePrefix("InternalLambda"), _ => "{}");
        var subscriptionArn = (await app.Server.Services.GetRequiredService<DataPlaneState>().WaitAsync(_cancellation)).SubscriptionsOf(TopicArn).Single().Subscription.SubscriptionArn;

        var one = await AwsCli.RunAsync(
            "--endpoint-url", Endpoint, "sns", "publish", "--topic-arn", TopicArn, "--message", "Ada", "--subject", "Greeting",
            "--message-attributes", """{"caller":{"DataType":"String","StringValue":"user1@example.com"},"photo":{"DataType":"Binary","BinaryValue":"AQID"}}""");
        var batch = await AwsCli.RunAsync(
            "--endpoint-url", Endpoint, "sns", "publish-batch", "--topic-arn", TopicArn, "--publish-batch-request-entries",
            """[{"Id":"first","Message":"Grace"},{"Id":"second","Message":"{\"default\":\"Hopper\",\"lambda\":\"Hopper for Lambda\"}","MessageStructure":"json","MessageAttributes":{"count":{"DataType":"Number","StringValue":"7"}}}]""");
        await WaitUntilAsync(() => internalLambda.Events == 3);

        var records = internalLambda.Received.Select(e => Assert.Single(e.GetProperty("Records").EnumerateArray())).ToDictionary(r => r.GetProperty("Sns").GetProperty("Message").GetString()!);
        Assert.Equal(["Ada", "Grace", "Hopper for Lambda"], records.Keys.Order(StringComparer.Ordinal));
        Assert.All(records.Values, record => Assert.Equal(subscriptionArn, record.GetProperty("EventSubscriptionArn").GetString()));
        var ada = records["Ada"].GetProperty("Sns");
        Assert.Equal(one.GetProperty("MessageId").GetString(), ada.GetProperty("MessageId").GetString());
        Assert.Equal("Greeting", ada.GetProperty("Subject").GetString());
        Assert.Equal(TopicArn, ada.GetProperty("TopicArn").GetString());
        Assert.Equal("user1@example.com", ada.GetProperty("MessageAttributes").GetProperty("caller").GetProperty("Value").GetString());
        Assert.Equal("Binary", ada.GetProperty("MessageAttributes").GetProperty("photo").GetProperty("Type").GetString());
        // AWS CLI v1 sends a blob parameter's text as its bytes; the event carries the bytes base64-encoded.
        Assert.Equal(Convert.ToBase64String("AQID"u8), ada.GetProperty("MessageAttributes").GetProperty("photo").GetProperty("Value").GetString());
        var accepted = batch.GetProperty("Successful").EnumerateArray().ToDictionary(entry => entry.GetProperty("Id").GetString()!, entry => entry.GetProperty("MessageId").GetString());
        Assert.Equal(accepted["first"], records["Grace"].GetProperty("Sns").GetProperty("MessageId").GetString());
        Assert.Equal(accepted["second"], records["Hopper for Lambda"].GetProperty("Sns").GetProperty("MessageId").GetString());
        Assert.Equal("7", records["Hopper for Lambda"].GetProperty("Sns").GetProperty("MessageAttributes").GetProperty("count").GetProperty("Value").GetString());
        await WaitUntilAsync(() => Queued == 0);
    }

    /// <summary>A publish the engine refuses is no message: SNS delivers nothing, and Lambda queues nothing.</summary>
    [Fact]
    public async Task APublishTheEngineRefuses_QueuesNothingForLambda()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => AwsCli.RunAsync(
            "--endpoint-url", Endpoint, "sns", "publish", "--topic-arn", TopicArn, "--message", "Mallory",
            "--message-attributes", """{"caller":{"DataType":"Bogus","StringValue":"x"}}"""));

        Assert.Contains("InvalidParameter", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, Queued);
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_cancellation);
        deadline.CancelAfter(Timeout);
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
        }
    }
}
