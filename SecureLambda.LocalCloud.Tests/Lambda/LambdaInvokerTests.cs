using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Faults;
using SecureLambda.LocalCloud.Lambda;

namespace SecureLambda.LocalCloud.Tests.Lambda;

/// <summary>A throttled invocation's warning names the limit it met, so that a load test's 500s can be told apart.</summary>
public sealed class LambdaInvokerTests
{
    private static readonly LambdaFunctionDefinition Definition = TestFunctions.ExternalLambda1;

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeLogger<LambdaInvoker> _logger = new();
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    private LambdaInvoker Invoker() => new(new FaultInjector(new FaultRules(), new Random(7), _clock, NullLogger<FaultInjector>.Instance), _logger);

    [Theory]
    [InlineData(1, LocalFunction.DefaultQueueCapacity,
        "more invocations at once than its reserved concurrency of 1 (ReservedFunctionConcurrentInvocationLimitExceeded)")]
    [InlineData(null, 1, "its queue of invocations waiting for an execution environment is full")]
    public async Task AThrottledInvocation_IsLoggedWithTheLimitItMet(int? reservedConcurrency, int queueCapacity, string reason)
    {
        var function = new LocalFunction(Definition with { ReservedConcurrency = reservedConcurrency }, _clock, queueCapacity);
        var waiting = function.InvokeAsync("{}"u8.ToArray(), null, _cancellation);

        var throttled = await Invoker().InvokeAsync(function, "{}"u8.ToArray(), _cancellation);

        Assert.Equal(InvocationStatus.Throttled, throttled.Status);
        Assert.False(waiting.IsCompleted);
        Assert.Equal($"Function secure-lambda-ExternalLambda1 throttled an invocation: {reason}", _logger.LatestRecord.Message);
    }
}
