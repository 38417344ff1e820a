namespace SecureLambda.LocalCloud.ApiGateway.Throttling;

/// <summary>
/// The token bucket API Gateway throttles with: the bucket holds at most <c>burst</c> tokens, refills continuously at
/// <c>ratePerSecond</c>, and each request takes one token or is throttled.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
/// </summary>
/// <remarks>
/// It starts full, so a burst of up to <c>burst</c> requests passes at once. A burst of 0 holds no token, so nothing
/// passes; a rate of 0 never refills, so only the first <c>burst</c> requests pass. Thread-safe.
/// AWS applies throttles "on a best-effort basis"; this bucket is exact, which makes it stricter and testable.
/// </remarks>
public sealed class TokenBucket
{
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private double _tokens;
    private long _refilledAt;

    public TokenBucket(double ratePerSecond, int burst, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(burst);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!double.IsFinite(ratePerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(ratePerSecond), ratePerSecond, "The rate must be finite.");
        }

        RatePerSecond = ratePerSecond;
        Burst = burst;
        _timeProvider = timeProvider;
        _tokens = burst;
        _refilledAt = timeProvider.GetTimestamp();
    }

    public double RatePerSecond { get; }

    public int Burst { get; }

    /// <summary>The tokens available now (after refilling), for diagnostics and tests.</summary>
    public double Available
    {
        get
        {
            lock (_gate)
            {
                Refill();
                return _tokens;
            }
        }
    }

    /// <summary>Takes one token if there is one.</summary>
    public bool TryTake()
    {
        lock (_gate)
        {
            Refill();
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }

    /// <summary>Gives back a token taken for a request that a later limit refused (never past the burst).</summary>
    public void Return()
    {
        lock (_gate)
        {
            Refill();
            _tokens = Math.Min(Burst, _tokens + 1);
        }
    }

    private void Refill()
    {
        var now = _timeProvider.GetTimestamp();
        var elapsed = _timeProvider.GetElapsedTime(_refilledAt, now);
        _refilledAt = now;
        if (elapsed > TimeSpan.Zero)
        {
            _tokens = Math.Min(Burst, _tokens + (elapsed.TotalSeconds * RatePerSecond));
        }
    }
}
