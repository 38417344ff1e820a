using System.Diagnostics;
using System.Text.Json;
using SecureLambda.Aws.Core;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Engine;
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
    private static readonly LambdaFunctionDefinition Internal = EngineQueues.InternalLambda;

    private readonly MotoServer _moto;
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    private readonly EngineQueues _engine;

    public AsyncDeliveryTests(MotoServerFixture fixture)
    {
        _moto = fixture.Server;
        _engine = new EngineQueues(_moto);
    }

    [Fact]
    public async Task DeliversTheSnsEvent_WithTheSubscriptionAndAttributes_AndDeletesTheMessage()
    {
        var route = await _engine.CreateRouteAsync("delivered");
        await using var host = await _engine.StartHostAsync(Internal, route);
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
        var route = await _engine.CreateRouteAsync("failing");
        var destination = await _engine.CreateQueueAsync("failing-destination");
        await using var host = await _engine.StartHostAsync(Internal with { OnFailure = destination }, route);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => null);

        await PublishAsync(route.TopicArn, "Grace", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        var record = JsonDocument.Parse((await _engine.WaitForMessageAsync(destination.QueueUrl, _cancellation)).GetProperty("Body").GetString()!).RootElement;
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
        var route = await _engine.CreateRouteAsync("dlq-only");
        var deadLetter = await _engine.CreateQueueAsync("dlq-only-target");
        await using var host = await _engine.StartHostAsync(Internal with { MaximumRetryAttempts = 0, DeadLetter = deadLetter }, route);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => null);

        await PublishAsync(route.TopicArn, "Hopper", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        var message = await _engine.WaitForMessageAsync(deadLetter.QueueUrl, _cancellation);
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
        var route = await _engine.CreateRouteAsync("stale");
        var destination = await _engine.CreateQueueAsync("stale-destination");
        await using var host = await _engine.StartHostAsync(Internal with { MaximumEventAge = TimeSpan.Zero, OnFailure = destination }, route);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => "{}");

        await PublishAsync(route.TopicArn, "Lovelace", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        var record = JsonDocument.Parse((await _engine.WaitForMessageAsync(destination.QueueUrl, _cancellation)).GetProperty("Body").GetString()!).RootElement;
        Assert.Equal("EventAgeExceeded", record.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(0, record.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.False(record.TryGetProperty("responseContext", out _));
        Assert.Equal(0, runtime.Events);
    }

    [Fact]
    public async Task LoseFailedEventInvoke_ThroughTheInvokeApi_IsStoppedTheSameWay()
    {
        var route = await _engine.CreateRouteAsync("invoke-event");
        var destination = await _engine.CreateQueueAsync("invoke-event-destination");
        await using var host = await _engine.StartHostAsync(Internal with { MaximumRetryAttempts = 1, OnFailure = destination }, route);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => null);
        using var http = host.SignedClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/2015-03-31/functions/InternalLambda/invocations") { Content = new StringContent("{\"order\":42}") };
        request.Headers.Add("X-Amz-Invocation-Type", "Event");

        using var accepted = await http.SendAsync(request, _cancellation);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        var record = JsonDocument.Parse((await _engine.WaitForMessageAsync(destination.QueueUrl, _cancellation)).GetProperty("Body").GetString()!).RootElement;
        Assert.Equal("RetriesExhausted", record.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(2, record.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.Equal(42, record.GetProperty("requestPayload").GetProperty("order").GetInt32());
        Assert.Equal(2, runtime.Events);
    }

    private async Task PublishAsync(string topicArn, string message, string traceParent)
    {
        var attributes = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["traceparent"] = new { DataType = "String", StringValue = traceParent },
            ["caller"] = new { DataType = "String", StringValue = "user-1" },
        });
        await _moto.AwsCliAsync("sns", "publish", "--topic-arn", topicArn, "--message", message, "--message-attributes", attributes);
    }

    private async Task<int> ApproximateMessagesAsync(string queueUrl)
    {
        var attributes = (await _moto.AwsCliAsync("sqs", "get-queue-attributes", "--queue-url", queueUrl,
            "--attribute-names", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))!.Value.GetProperty("Attributes");
        return int.Parse(attributes.GetProperty("ApproximateNumberOfMessages").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            + int.Parse(attributes.GetProperty("ApproximateNumberOfMessagesNotVisible").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
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
