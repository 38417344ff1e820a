namespace SecureLambda.LocalCloud.ApiGateway.Throttling;

/// <summary>The steady-state rate (requests per second, the refill) and the burst (the bucket capacity) of a throttle.</summary>
public sealed record ThrottleLimits(double RatePerSecond, int Burst)
{
    /// <summary>
    /// The default account-level throttle per Region: 10,000 requests per second with a burst of 5,000, shared by all
    /// APIs of the account. https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
    /// </summary>
    public static ThrottleLimits AccountDefault { get; } = new(10_000, 5_000);

    public TokenBucket CreateBucket(TimeProvider timeProvider) => new(RatePerSecond, Burst, timeProvider);
}
