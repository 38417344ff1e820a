using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Lambda;

namespace SecureLambda.LocalCloud.Tests.Lambda;

/// <summary>
/// Lambda's asynchronous retry rules: errors and timeouts count against MaximumRetryAttempts; throttles and a missing
/// execution environment are retried without counting, until MaximumEventAgeInSeconds
/// (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
/// </summary>
public sealed class AsyncRetryRulesTests
{
    private static readonly LambdaFunctionDefinition Function =
        new("F", "f", "arn:aws:lambda:us-east-1:123456789012:function:f", TimeSpan.FromSeconds(3), MaximumRetryAttempts: 2) { MaximumEventAge = TimeSpan.FromMinutes(10) };

    [Theory]
    [InlineData(InvocationStatus.FunctionError, 1, AsyncStep.Retry)]
    [InlineData(InvocationStatus.TimedOut, 2, AsyncStep.Retry)]
    [InlineData(InvocationStatus.FunctionError, 3, AsyncStep.Fail)]
    [InlineData(InvocationStatus.Succeeded, 3, AsyncStep.Done)]
    [InlineData(InvocationStatus.NoRuntime, 2, AsyncStep.RetryUncounted)]
    [InlineData(InvocationStatus.Throttled, 2, AsyncStep.RetryUncounted)]
    public void Next_FollowsLambdasRules(InvocationStatus status, int failedAttempts, AsyncStep expected) =>
        Assert.Equal(expected, AsyncRetryRules.Next(Function, new InvocationResult("r", status, []), failedAttempts, TimeSpan.FromMinutes(1)));

    [Theory]
    [InlineData(InvocationStatus.NoRuntime)]
    [InlineData(InvocationStatus.Throttled)]
    public void NoEnvironmentOrThrottle_IsNotAFailedAttempt_ButStopsAtTheMaximumEventAge(InvocationStatus status)
    {
        var result = new InvocationResult("r", status, []);

        Assert.False(AsyncRetryRules.Counts(result));
        Assert.Equal(AsyncStep.Fail, AsyncRetryRules.Next(Function, result, 0, TimeSpan.FromMinutes(11)));
        Assert.Equal(AsyncRetryRules.EventAgeExceeded, AsyncRetryRules.Condition(0, Function));
    }

    [Fact]
    public void ErrorsPastTheRetries_AreRetriesExhausted() =>
        Assert.Equal(AsyncRetryRules.RetriesExhausted, AsyncRetryRules.Condition(3, Function));
}
