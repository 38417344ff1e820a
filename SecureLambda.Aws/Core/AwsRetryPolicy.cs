using System.Net;

namespace SecureLambda.Aws.Core;

/// <summary>Retries throttling and transient failures the way the AWS SDKs' "standard" mode does, so a blip costs a short wait, not a failed request.</summary>
/// <remarks>
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html: at most 3 attempts, and before retry
/// <c>i</c> (from 0) a full-jitter wait of <c>random(0, 1) × min(MaxBackoff, BaseDelay × 2^i)</c>. The SDKs' base (1 s)
/// and cap (20 s) are scaled down to 100 ms and 2 s because our calls sit on a synchronous API Gateway request. The SDKs'
/// client-wide retry quota (token bucket) is left out: one Lambda instance serves one request at a time.
/// </remarks>
public sealed record AwsRetryPolicy
{
    /// <summary>Throttling error codes, the same list as botocore's <c>retries/standard.py</c> (<c>_THROTTLED_ERROR_CODES</c>).</summary>
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "EC2ThrottledException",
        "PriorRequestNotComplete",
    };

    /// <summary>Transient error codes retried beside the 500/502/503/504 statuses (botocore <c>retries/standard.py</c>).</summary>
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "RequestTimeout", "RequestTimeoutException",
    };

    public static AwsRetryPolicy Default { get; } = new();

    /// <summary>Attempts in total, the first one included.</summary>
    public int MaxAttempts { get; init; } = 3;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A number in [0, 1); replace it to make the jitter deterministic in tests.</summary>
    public Func<double> Jitter { get; init; } = Random.Shared.NextDouble;

    /// <summary>The wait before retry <paramref name="retryIndex"/> (0 for the first retry).</summary>
    public TimeSpan BackoffDelay(int retryIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retryIndex);
        var ceiling = Math.Min(MaxBackoff.Ticks, BaseDelay.Ticks * Math.Pow(2, Math.Min(retryIndex, 62)));
        var jitter = Math.Clamp(Jitter(), 0, 1);
        return TimeSpan.FromTicks((long)(jitter * ceiling));
    }

    /// <summary>True for throttling codes, the transient codes and HTTP 500, 502, 503 and 504; never for other 4xx.</summary>
    public static bool IsRetryable(AwsServiceException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return IsThrottling(error)
            || TransientCodes.Contains(error.ErrorCode)
            || error.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
                or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
    }

    /// <summary>A throttling reply: the service refused the request before acting on it.</summary>
    public static bool IsThrottling(AwsServiceException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return ThrottlingCodes.Contains(error.ErrorCode);
    }

    /// <summary>A connection that never opened (refused, or the name did not resolve): nothing reached the service.</summary>
    public static bool NeverReachedService(HttpRequestException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;
    }

    /// <summary>
    /// Whether one failed attempt may be sent again. A throttling reply and a connection that never opened are retried
    /// for every operation, because the service did not act on them. A 5xx, a transient code, a timeout or a connection
    /// lost after sending are retried only for an idempotent operation (<see cref="AwsOperationIdempotency"/>): the
    /// service may already have done the work.
    /// </summary>
    public static bool MayRetry(Exception failure, bool isIdempotent)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure switch
        {
            AwsServiceException error => IsThrottling(error) || (isIdempotent && IsRetryable(error)),
            HttpRequestException http when NeverReachedService(http) => true,
            HttpRequestException or IOException or OperationCanceledException => isIdempotent,
            _ => false,
        };
    }
}
