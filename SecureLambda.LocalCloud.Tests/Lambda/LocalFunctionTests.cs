using Microsoft.Extensions.Time.Testing;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Lambda;

namespace SecureLambda.LocalCloud.Tests.Lambda;

public sealed class LocalFunctionTests
{
    private static readonly LambdaFunctionDefinition Definition = TestFunctions.ExternalLambda1;

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task HandsTheEventToAPollingProcess_WithADeadlineOfStartPlusTimeout_AndReturnsItsResponse()
    {
        var function = new LocalFunction(Definition, _clock);
        var invocation = function.InvokeAsync("{\"n\":1}"u8.ToArray(), "Root=1-x", _cancellation);

        var taken = await function.NextAsync(_cancellation);
        Assert.Equal("{\"n\":1}"u8.ToArray(), taken.Payload);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromSeconds(10), taken.Deadline);
        Assert.Equal("Root=1-x", taken.TraceHeader);
        Assert.True(function.Complete(taken.RequestId, InvocationStatus.Succeeded, "\"ok\""u8.ToArray(), null));

        var result = await invocation;
        Assert.Equal(InvocationStatus.Succeeded, result.Status);
        Assert.Equal(taken.RequestId, result.RequestId);
        Assert.Equal("\"ok\""u8.ToArray(), result.Payload);
    }

    [Fact]
    public async Task AnswersNoRuntime_WhenNoProcessPollsWithinTheTimeout_AndNeverRunsThatEventLater()
    {
        var function = new LocalFunction(Definition, _clock);
        var invocation = function.InvokeAsync("{}"u8.ToArray(), null, _cancellation);

        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(invocation.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(InvocationStatus.NoRuntime, (await invocation).Status);

        var next = function.InvokeAsync("{\"second\":true}"u8.ToArray(), null, _cancellation);
        var taken = await function.NextAsync(_cancellation);
        Assert.Equal("{\"second\":true}"u8.ToArray(), taken.Payload);
        function.Complete(taken.RequestId, InvocationStatus.Succeeded, [], null);
        await next;
    }

    [Fact]
    public async Task AnswersTimedOut_WhenTheProcessDoesNotAnswerByItsDeadline_AndRefusesItsLateAnswer()
    {
        var function = new LocalFunction(Definition, _clock);
        var invocation = function.InvokeAsync("{}"u8.ToArray(), null, _cancellation);
        var taken = await function.NextAsync(_cancellation);

        _clock.Advance(TimeSpan.FromSeconds(10));
        var result = await invocation;

        Assert.Equal(InvocationStatus.TimedOut, result.Status);
        Assert.False(function.Complete(taken.RequestId, InvocationStatus.Succeeded, [], null));
    }

    [Fact]
    public async Task PassesAFunctionError_WithItsType()
    {
        var function = new LocalFunction(Definition, _clock);
        var invocation = function.InvokeAsync("{}"u8.ToArray(), null, _cancellation);
        var taken = await function.NextAsync(_cancellation);

        function.Complete(taken.RequestId, InvocationStatus.FunctionError, "{\"errorType\":\"Boom\"}"u8.ToArray(), "Boom");

        var result = await invocation;
        Assert.Equal(InvocationStatus.FunctionError, result.Status);
        Assert.Equal("Boom", result.ErrorType);
    }

    [Fact]
    public async Task RefusesInvocations_BeyondTheQueueCapacity()
    {
        var function = new LocalFunction(Definition, _clock, queueCapacity: 1);
        var first = function.InvokeAsync("{}"u8.ToArray(), null, _cancellation);

        var second = await function.InvokeAsync("{}"u8.ToArray(), null, _cancellation);

        Assert.Equal(InvocationStatus.Throttled, second.Status);
        Assert.False(first.IsCompleted);
    }

    /// <summary>https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html: running and waiting invocations count against it.</summary>
    [Fact]
    public async Task ThrottlesInvocations_PastTheReservedConcurrency_WithItsReason_AndAdmitsAgainOnceOneEnds()
    {
        var function = new LocalFunction(Definition with { ReservedConcurrency = 2 }, _clock);
        var running = function.InvokeAsync("{}"u8.ToArray(), null, _cancellation);
        var taken = await function.NextAsync(_cancellation);
        var waiting = function.InvokeAsync("{}"u8.ToArray(), null, _cancellation);

        var throttled = await function.InvokeAsync("{}"u8.ToArray(), null, _cancellation);
        function.Complete(taken.RequestId, InvocationStatus.Succeeded, "{}"u8.ToArray(), null);
        await running;
        var admitted = function.InvokeAsync("{}"u8.ToArray(), null, _cancellation);

        Assert.Equal((InvocationStatus.Throttled, LocalFunction.ReservedConcurrencyExceeded), (throttled.Status, throttled.ErrorType));
        Assert.False(waiting.IsCompleted);
        Assert.False(admitted.IsCompleted);
        Assert.Equal(2, function.Status.QueuedInvocations);
        Assert.Equal(1, function.Status.SucceededInvocations);
    }

    [Fact]
    public async Task AnEventThatWaitsPastTheGrace_AsksForAnEnvironment_OneThatAProcessTakesAtOnceDoesNot()
    {
        var asked = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var function = new LocalFunction(Definition, _clock, demand: (_, waiting) => asked.Enqueue(waiting));
        var poller = function.NextAsync(_cancellation);
        var taken = function.InvokeAsync("{}"u8.ToArray(), null, _cancellation);
        await poller;

        var waits = function.InvokeAsync("{}"u8.ToArray(), null, _cancellation);
        Assert.Empty(asked);
        _clock.Advance(LocalFunction.EnvironmentGrace);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (asked.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, _cancellation);
        }

        Assert.Equal([1], asked);
        Assert.False(taken.IsCompleted || waits.IsCompleted);
    }

    [Fact]
    public void RefusesAnUnknownRequestId()
    {
        var function = new LocalFunction(Definition, _clock);

        Assert.False(function.Complete("no-such-request", InvocationStatus.Succeeded, [], null));
    }

    [Fact]
    public async Task GivesEachPollerItsOwnEvent()
    {
        var function = new LocalFunction(Definition, _clock);
        var a = function.InvokeAsync("\"a\""u8.ToArray(), null, _cancellation);
        var b = function.InvokeAsync("\"b\""u8.ToArray(), null, _cancellation);

        var first = await function.NextAsync(_cancellation);
        var second = await function.NextAsync(_cancellation);

        Assert.NotEqual(first.RequestId, second.RequestId);
        function.Complete(first.RequestId, InvocationStatus.Succeeded, first.Payload, null);
        function.Complete(second.RequestId, InvocationStatus.Succeeded, second.Payload, null);
        Assert.Equal("\"a\""u8.ToArray(), (await a).Payload);
        Assert.Equal("\"b\""u8.ToArray(), (await b).Payload);
    }
}
