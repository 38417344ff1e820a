using System.Diagnostics;
using System.Text.Json;
using SecureLambda.Aws.Core;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Engine;
using SecureLambda.LocalCloud.Lambda;
using Microsoft.Extensions.DependencyInjection;
using SecureLambda.LocalCloud.Sns;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Lambda;

/// <summary>
/// SNS → Lambda (and Event invokes) through Lambda's own event queue: the event Lambda gets from SNS, and on failure
/// 1 + MaximumRetryAttempts attempts, then the template's on-failure destination or dead-letter queue (real moto
/// queues), with nothing lost and nothing doubled, across a LocalCloud restart too.
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
        var route = EngineQueues.Subscription("delivered", Internal);
        await using var host = await _engine.StartHostAsync(Internal, route);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => "{}");
        using var publisher = new Activity("publisher").SetIdFormat(ActivityIdFormat.W3C).Start();

        var published = await PublishAsync(host, route, "Ada", publisher.Id!);
        await WaitUntilAsync(() => runtime.Events == 1);

        var record = runtime.Received.Single().GetProperty("Records").EnumerateArray().Single();
        Assert.Equal("aws:sns", record.GetProperty("EventSource").GetString());
        Assert.Equal("1.0", record.GetProperty("EventVersion").GetString());
        Assert.Equal(route.Subscription.SubscriptionArn, record.GetProperty("EventSubscriptionArn").GetString());
        var sns = record.GetProperty("Sns");
        Assert.Equal("Notification", sns.GetProperty("Type").GetString());
        Assert.Equal(published.MessageId, sns.GetProperty("MessageId").GetString());
        Assert.Equal("Ada", sns.GetProperty("Message").GetString());
        Assert.Equal(JsonValueKind.Null, sns.GetProperty("Subject").ValueKind);
        Assert.Equal(route.Subscription.TopicArn, sns.GetProperty("TopicArn").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", sns.GetProperty("Timestamp").GetString());
        Assert.True(sns.TryGetProperty("SigningCertUrl", out _), "The Lambda event spells SigningCertUrl, not the envelope's SigningCertURL.");
        Assert.False(sns.TryGetProperty("SigningCertURL", out _));
        Assert.Equal(publisher.Id, sns.GetProperty("MessageAttributes").GetProperty("traceparent").GetProperty("Value").GetString());
        Assert.Equal("String", sns.GetProperty("MessageAttributes").GetProperty("caller").GetProperty("Type").GetString());
        Assert.Equal("user-1", sns.GetProperty("MessageAttributes").GetProperty("caller").GetProperty("Value").GetString());
        await WaitUntilAsync(() => Queued(host) == 0);
    }

    /// <summary>https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html</summary>
    [Fact]
    public async Task LoseFailedEvent_AfterTwoRetries_IsStopped_TheOnFailureQueueGetsLambdasInvocationRecord()
    {
        var destination = await _engine.CreateQueueAsync("failing-destination");
        var function = Internal with { OnFailure = destination };
        var route = EngineQueues.Subscription("failing", function);
        await using var host = await _engine.StartHostAsync(function, route);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => null);

        await PublishAsync(host, route, "Grace", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

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
        await WaitUntilAsync(() => Queued(host) == 0);
    }

    [Fact]
    public async Task FailedEvent_WithoutADestination_GoesToTheFunctionsDeadLetterQueue_WithLambdasAttributes()
    {
        var deadLetter = await _engine.CreateQueueAsync("dlq-only-target");
        var function = Internal with { MaximumRetryAttempts = 0, DeadLetter = deadLetter };
        var route = EngineQueues.Subscription("dlq-only", function);
        await using var host = await _engine.StartHostAsync(function, route);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => null);

        await PublishAsync(host, route, "Hopper", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

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
        var destination = await _engine.CreateQueueAsync("stale-destination");
        var function = Internal with { MaximumEventAge = TimeSpan.Zero, OnFailure = destination };
        var route = EngineQueues.Subscription("stale", function);
        await using var host = await _engine.StartHostAsync(function, route);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => "{}");

        await PublishAsync(host, route, "Lovelace", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        var record = JsonDocument.Parse((await _engine.WaitForMessageAsync(destination.QueueUrl, _cancellation)).GetProperty("Body").GetString()!).RootElement;
        Assert.Equal("EventAgeExceeded", record.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(0, record.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.False(record.TryGetProperty("responseContext", out _));
        Assert.Equal(0, runtime.Events);
    }

    [Fact]
    public async Task LoseFailedEventInvoke_ThroughTheInvokeApi_IsStoppedTheSameWay()
    {
        var destination = await _engine.CreateQueueAsync("invoke-event-destination");
        await using var host = await _engine.StartHostAsync(Internal with { MaximumRetryAttempts = 1, OnFailure = destination }, route: null);
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

    /// <summary>Lambda keeps an event until it is done with it: a LocalCloud that stops before loses none.</summary>
    [Fact]
    public async Task LoseAQueuedEvent_ByRestartingLocalCloud_IsStopped_TheNextLocalCloudDeliversItOnce()
    {
        using var file = new TemporaryFile("lambda-events.db");
        var route = EngineQueues.Subscription("restart", Internal);
        await using (var before = await _engine.StartHostAsync(Internal, route, file.Path))
        {
            // No function process polls: the event waits in the queue when LocalCloud stops.
            await PublishAsync(before, route, "Knuth", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            Assert.Equal(1, Queued(before));
        }

        await using var after = await _engine.StartHostAsync(Internal, route, file.Path);
        await using var runtime = new TestRuntime(after.Address, after.RuntimePrefix("InternalLambda"), _ => "{}");

        await WaitUntilAsync(() => Queued(after) == 0);
        Assert.Equal("Knuth", Assert.Single(runtime.Received).GetProperty("Records")[0].GetProperty("Sns").GetProperty("Message").GetString());
    }

    /// <summary>An attempt cut short by a restart is not an outcome: the event is attempted again, once.</summary>
    [Fact]
    public async Task LoseAnEventMidAttempt_ByRestartingLocalCloud_IsStopped_ItIsAttemptedAgainOnce()
    {
        using var file = new TemporaryFile("lambda-events.db");
        var route = EngineQueues.Subscription("mid-attempt", Internal);
        using var taken = new SemaphoreSlim(0);
        await using (var before = await _engine.StartHostAsync(Internal, route, file.Path))
        {
            using var never = new ManualResetEventSlim();
            await using var hanging = new TestRuntime(before.Address, before.RuntimePrefix("InternalLambda"), _ =>
            {
                taken.Release();
                never.Wait(TimeSpan.FromSeconds(10));
                return "{}";
            });
            await PublishAsync(before, route, "Dijkstra", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            Assert.True(await taken.WaitAsync(Timeout, _cancellation));
            await before.DisposeAsync();
            never.Set();
        }

        await using var after = await _engine.StartHostAsync(Internal, route, file.Path);
        await using var runtime = new TestRuntime(after.Address, after.RuntimePrefix("InternalLambda"), _ => "{}");

        await WaitUntilAsync(() => Queued(after) == 0);
        Assert.Equal("Dijkstra", Assert.Single(runtime.Received).GetProperty("Records")[0].GetProperty("Sns").GetProperty("Message").GetString());
    }

    /// <summary>SNS hands a message to a subscription once: the same message id is not queued twice.</summary>
    [Fact]
    public async Task DoubleAGreeting_ByHandingTheSameMessageOverTwice_IsStopped_TheFunctionRunsOnce()
    {
        var route = EngineQueues.Subscription("twice", Internal);
        await using var host = await _engine.StartHostAsync(Internal, route);
        var message = Message(route, "Turing", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        await host.Sns.DeliverAsync([message, message], _cancellation);
        await host.Sns.DeliverAsync([message], _cancellation);
        Assert.Equal(1, Queued(host));
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => "{}");

        await WaitUntilAsync(() => Queued(host) == 0);
        Assert.Equal(1, runtime.Events);
    }

    private static int Queued(LocalLambdaHost host) => host.Services.GetRequiredService<AsyncInvocations>().Queued(Internal.LogicalId);

    private static PublishedMessage Message(SnsLambdaRoute route, string message, string traceParent) => new(
        route.Subscription.TopicArn,
        Guid.NewGuid().ToString(),
        message,
        Subject: null,
        new Dictionary<string, SnsAttributeValue>(StringComparer.Ordinal)
        {
            ["traceparent"] = new("String", traceParent),
            ["caller"] = new("String", "user-1"),
        });

    private async Task<PublishedMessage> PublishAsync(LocalLambdaHost host, SnsLambdaRoute route, string message, string traceParent)
    {
        var published = Message(route, message, traceParent);
        await host.Sns.DeliverAsync([published], _cancellation);
        return published;
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
