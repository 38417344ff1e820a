using System.Diagnostics;
using System.Text.Json;
using SecureLambda.Aws.Core;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Lambda;
using SecureLambda.LocalCloud.Provisioning;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Lambda;

/// <summary>
/// SNS → Lambda (and Event invokes) through real engine queues: the event Lambda gets from SNS, deletion on success,
/// and on failure 1 + MaximumRetryAttempts attempts, then the template's on-failure destination or dead-letter queue,
/// with nothing lost.
/// </summary>
public sealed class AsyncDeliveryTests : IClassFixture<MotoServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly LambdaFunctionDefinition Internal =
        new("InternalLambda", "secure-lambda-InternalLambda", "arn:aws:lambda:us-east-1:123456789012:function:secure-lambda-InternalLambda", TimeSpan.FromSeconds(5));

    private readonly MotoServer _moto;
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    public AsyncDeliveryTests(MotoServerFixture fixture) => _moto = fixture.Server;

    [Fact]
    public async Task DeliversTheSnsEvent_WithTheSubscriptionAndAttributes_AndDeletesTheMessage()
    {
        var route = await CreateRouteAsync("delivered");
        await using var host = await StartHostAsync(route);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => "{}");
        using var publisher = new Activity("publisher").SetIdFormat(ActivityIdFormat.W3C).Start();

        await PublishAsync(route.TopicArn, "Ada", publisher.Id!);
        await WaitUntilAsync(() => runtime.Events == 1);

        var record = runtime.Received.Single().GetProperty("Records").EnumerateArray().Single();
        Assert.Equal("aws:sns", record.GetProperty("EventSource").GetString());
        Assert.Equal("1.0", record.GetProperty("EventVersion").GetString());
        Assert.Equal(route.SubscriptionArn, record.GetProperty("EventSubscriptionArn").GetString());
        var sns = record.GetProperty("Sns");
        Assert.Equal("Notification", sns.GetProperty("Type").GetString());
        Assert.Equal("Ada", sns.GetProperty("Message").GetString());
        Assert.Equal(route.TopicArn, sns.GetProperty("TopicArn").GetString());
        Assert.True(sns.TryGetProperty("SigningCertUrl", out _), "The Lambda event spells SigningCertUrl, not the envelope's SigningCertURL.");
        Assert.False(sns.TryGetProperty("SigningCertURL", out _));
        Assert.Equal(publisher.Id, sns.GetProperty("MessageAttributes").GetProperty("traceparent").GetProperty("Value").GetString());
        Assert.Equal("user-1", sns.GetProperty("MessageAttributes").GetProperty("caller").GetProperty("Value").GetString());
        await WaitUntilAsync(async () => await ApproximateMessagesAsync(route.QueueUrl) == 0);
        Assert.Equal(0, await ApproximateMessagesAsync(route.DeadLetterQueueUrl));
    }

    /// <summary>https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html</summary>
    [Fact]
    public async Task LoseFailedEvent_AfterTwoRetries_IsStopped_TheOnFailureQueueGetsLambdasInvocationRecord()
    {
        var route = await CreateRouteAsync("failing");
        var destination = await CreateQueueAsync("failing-destination");
        await using var host = await StartHostAsync(route, Internal with { OnFailure = destination });
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => null);

        await PublishAsync(route.TopicArn, "Grace", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        var record = JsonDocument.Parse((await WaitForMessageAsync(destination.QueueUrl)).GetProperty("Body").GetString()!).RootElement;
        Assert.Equal("1.0", record.GetProperty("version").GetString());
        Assert.Equal("RetriesExhausted", record.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(3, record.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.Equal($"{Internal.Arn}:$LATEST", record.GetProperty("requestContext").GetProperty("functionArn").GetString());
        Assert.Equal("Grace", record.GetProperty("requestPayload").GetProperty("Records")[0].GetProperty("Sns").GetProperty("Message").GetString());
        Assert.Equal("Unhandled", record.GetProperty("responseContext").GetProperty("functionError").GetString());
        Assert.Equal("TestFailure", record.GetProperty("responsePayload").GetProperty("errorType").GetString());
        Assert.Equal(3, runtime.Events);
        Assert.All(runtime.Received, e => Assert.Equal("Grace", e.GetProperty("Records")[0].GetProperty("Sns").GetProperty("Message").GetString()));
        await WaitUntilAsync(async () => await ApproximateMessagesAsync(route.QueueUrl) == 0);
        Assert.Equal(0, await ApproximateMessagesAsync(route.DeadLetterQueueUrl));
    }

    [Fact]
    public async Task FailedEvent_WithoutADestination_GoesToTheFunctionsDeadLetterQueue_WithLambdasAttributes()
    {
        var route = await CreateRouteAsync("dlq-only");
        var deadLetter = await CreateQueueAsync("dlq-only-target");
        await using var host = await StartHostAsync(route, Internal with { MaximumRetryAttempts = 0, DeadLetter = deadLetter });
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => null);

        await PublishAsync(route.TopicArn, "Hopper", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        var message = await WaitForMessageAsync(deadLetter.QueueUrl);
        Assert.Equal("Hopper", JsonDocument.Parse(message.GetProperty("Body").GetString()!).RootElement.GetProperty("Records")[0].GetProperty("Sns").GetProperty("Message").GetString());
        var attributes = message.GetProperty("MessageAttributes");
        Assert.Equal("200", attributes.GetProperty("ErrorCode").GetProperty("StringValue").GetString());
        Assert.Equal("handler failed", attributes.GetProperty("ErrorMessage").GetProperty("StringValue").GetString());
        Assert.True(attributes.TryGetProperty("RequestID", out _));
        Assert.Equal(1, runtime.Events);
    }

    [Fact]
    public async Task StaleEvent_OlderThanMaximumEventAge_IsNeverInvoked_AndRecordedAsEventAgeExceeded()
    {
        var route = await CreateRouteAsync("stale");
        var destination = await CreateQueueAsync("stale-destination");
        await using var host = await StartHostAsync(route, Internal with { MaximumEventAge = TimeSpan.Zero, OnFailure = destination });
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => "{}");

        await PublishAsync(route.TopicArn, "Lovelace", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        var record = JsonDocument.Parse((await WaitForMessageAsync(destination.QueueUrl)).GetProperty("Body").GetString()!).RootElement;
        Assert.Equal("EventAgeExceeded", record.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(0, record.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.False(record.TryGetProperty("responseContext", out _));
        Assert.Equal(0, runtime.Events);
    }

    [Fact]
    public async Task LoseFailedEventInvoke_ThroughTheInvokeApi_IsStoppedTheSameWay()
    {
        var route = await CreateRouteAsync("invoke-event");
        var destination = await CreateQueueAsync("invoke-event-destination");
        await using var host = await StartHostAsync(route, Internal with { MaximumRetryAttempts = 1, OnFailure = destination });
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => null);
        using var http = host.SignedClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/2015-03-31/functions/InternalLambda/invocations") { Content = new StringContent("{\"order\":42}") };
        request.Headers.Add("X-Amz-Invocation-Type", "Event");

        using var accepted = await http.SendAsync(request, _cancellation);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        var record = JsonDocument.Parse((await WaitForMessageAsync(destination.QueueUrl)).GetProperty("Body").GetString()!).RootElement;
        Assert.Equal("RetriesExhausted", record.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(2, record.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.Equal(42, record.GetProperty("requestPayload").GetProperty("order").GetInt32());
        Assert.Equal(2, runtime.Events);
    }

    private async Task<AsyncFailureTarget> CreateQueueAsync(string name)
    {
        var url = (await _moto.AwsCliAsync("sqs", "create-queue", "--queue-name", name))!.Value.GetProperty("QueueUrl").GetString()!;
        return new AsyncFailureTarget(await QueueArnAsync(url), url);
    }

    private async Task<(string TopicArn, string SubscriptionArn, string QueueUrl, string DeadLetterQueueUrl)> CreateRouteAsync(string name)
    {
        var topicArn = (await _moto.AwsCliAsync("sns", "create-topic", "--name", $"{name}-topic"))!.Value.GetProperty("TopicArn").GetString()!;
        var dlqUrl = (await _moto.AwsCliAsync("sqs", "create-queue", "--queue-name", $"{name}-async-dlq"))!.Value.GetProperty("QueueUrl").GetString()!;
        var dlqArn = await QueueArnAsync(dlqUrl);
        var redrive = JsonSerializer.Serialize(new { deadLetterTargetArn = dlqArn, maxReceiveCount = 3 });
        var attributes = JsonSerializer.Serialize(new Dictionary<string, string> { ["RedrivePolicy"] = redrive });
        var queueUrl = (await _moto.AwsCliAsync("sqs", "create-queue", "--queue-name", $"{name}-async", "--attributes", attributes))!.Value.GetProperty("QueueUrl").GetString()!;
        var subscriptionArn = (await _moto.AwsCliAsync("sns", "subscribe", "--topic-arn", topicArn, "--protocol", "sqs", "--notification-endpoint", await QueueArnAsync(queueUrl)))!
            .Value.GetProperty("SubscriptionArn").GetString()!;
        return (topicArn, subscriptionArn, queueUrl, dlqUrl);
    }

    private async Task<LocalLambdaHost> StartHostAsync((string TopicArn, string SubscriptionArn, string QueueUrl, string DeadLetterQueueUrl) route, LambdaFunctionDefinition? function = null) =>
        await LocalLambdaHost.StartAsync(
            [function ?? Internal],
            EngineSqs.Create(AwsClientContext.FromEnvironment(name => _moto.ClientEnvironment.GetValueOrDefault(name))),
            [new AsyncDeliveryRoute(route.TopicArn, "InternalLambda", "InternalLambda", route.SubscriptionArn, route.QueueUrl, route.DeadLetterQueueUrl, MaxReceiveCount: 3)]);

    private async Task PublishAsync(string topicArn, string message, string traceParent)
    {
        var attributes = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["traceparent"] = new { DataType = "String", StringValue = traceParent },
            ["caller"] = new { DataType = "String", StringValue = "user-1" },
        });
        await _moto.AwsCliAsync("sns", "publish", "--topic-arn", topicArn, "--message", message, "--message-attributes", attributes);
    }

    private async Task<string> QueueArnAsync(string queueUrl) =>
        (await _moto.AwsCliAsync("sqs", "get-queue-attributes", "--queue-url", queueUrl, "--attribute-names", "QueueArn"))!
            .Value.GetProperty("Attributes").GetProperty("QueueArn").GetString()!;

    private async Task<int> ApproximateMessagesAsync(string queueUrl)
    {
        var attributes = (await _moto.AwsCliAsync("sqs", "get-queue-attributes", "--queue-url", queueUrl,
            "--attribute-names", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))!.Value.GetProperty("Attributes");
        return int.Parse(attributes.GetProperty("ApproximateNumberOfMessages").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            + int.Parse(attributes.GetProperty("ApproximateNumberOfMessagesNotVisible").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<JsonElement> WaitForMessageAsync(string queueUrl)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_cancellation);
        deadline.CancelAfter(Timeout);
        while (true)
        {
            deadline.Token.ThrowIfCancellationRequested();
            var reply = await _moto.AwsCliAsync("sqs", "receive-message", "--queue-url", queueUrl, "--wait-time-seconds", "1", "--message-attribute-names", "All");
            if (reply?.TryGetProperty("Messages", out var messages) == true)
            {
                return messages[0];
            }
        }
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_cancellation);
        deadline.CancelAfter(Timeout);
        while (!await condition())
        {
            // Each check is a CLI round trip to the engine (about half a second): the poll paces itself.
            deadline.Token.ThrowIfCancellationRequested();
        }
    }

    private Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));
}
