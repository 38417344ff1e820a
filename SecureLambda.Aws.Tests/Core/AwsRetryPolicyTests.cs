using System.Net;
using SecureLambda.Aws.Core;

namespace SecureLambda.Aws.Tests.Core;

public sealed class AwsRetryPolicyTests
{
    [Fact]
    public void BackoffDelay_IsTheFullCeiling_WhenJitterIsOne()
    {
        var policy = new AwsRetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(2), Jitter = () => 1 };

        int[] ceilingsInMilliseconds = [100, 200, 400, 800, 1600, 2000, 2000];

        Assert.Equal(
            ceilingsInMilliseconds.Select(milliseconds => TimeSpan.FromMilliseconds(milliseconds)),
            Enumerable.Range(0, 7).Select(policy.BackoffDelay));
    }

    [Fact]
    public void BackoffDelay_IsZero_WhenJitterIsZero()
    {
        var policy = new AwsRetryPolicy { Jitter = () => 0 };

        Assert.All(Enumerable.Range(0, 10), retry => Assert.Equal(TimeSpan.Zero, policy.BackoffDelay(retry)));
    }

    [Fact]
    public void BackoffDelay_StaysWithinZeroAndMinOfCapAndExponential_ForAnyJitter()
    {
        var random = new Random(1234);
        var policy = new AwsRetryPolicy
        {
            BaseDelay = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromSeconds(2),
            Jitter = random.NextDouble,
        };

        for (var retry = 0; retry < 40; retry++)
        {
            var ceiling = TimeSpan.FromTicks((long)Math.Min(TimeSpan.FromSeconds(2).Ticks, TimeSpan.FromMilliseconds(100).Ticks * Math.Pow(2, retry)));
            for (var sample = 0; sample < 200; sample++)
            {
                Assert.InRange(policy.BackoffDelay(retry), TimeSpan.Zero, ceiling);
            }
        }
    }

    [Fact]
    public void BackoffDelay_ScalesWithJitter()
    {
        var policy = new AwsRetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(100), Jitter = () => 0.25 };

        Assert.Equal(TimeSpan.FromMilliseconds(50), policy.BackoffDelay(1));
    }

    [Theory]
    [InlineData("Throttling", 400)]
    [InlineData("ThrottlingException", 400)]
    [InlineData("TooManyRequestsException", 429)]
    [InlineData("RequestLimitExceeded", 400)]
    [InlineData("PriorRequestNotComplete", 400)]
    [InlineData("RequestTimeout", 400)]
    [InlineData("InternalFailure", 500)]
    [InlineData("BadGateway", 502)]
    [InlineData("ServiceUnavailable", 503)]
    [InlineData("GatewayTimeout", 504)]
    public void IsRetryable_IsTrue_ForThrottlingTransientCodesAnd5xx(string code, int status) =>
        Assert.True(AwsRetryPolicy.IsRetryable(new AwsServiceException("SNS", code, "m", (HttpStatusCode)status, null)));

    [Theory]
    [InlineData("ResourceNotFoundException", 400)]
    [InlineData("AccessDeniedException", 400)]
    [InlineData("NotFound", 404)]
    [InlineData("InvalidParameter", 400)]
    [InlineData("NotImplemented", 501)]
    public void IsRetryable_IsFalse_ForOtherErrors(string code, int status) =>
        Assert.False(AwsRetryPolicy.IsRetryable(new AwsServiceException("SNS", code, "m", (HttpStatusCode)status, null)));
}
