using Microsoft.Extensions.Time.Testing;
using SecureLambda.LocalCloud.ApiGateway.Throttling;

namespace SecureLambda.LocalCloud.Tests.ApiGateway.Throttling;

public sealed class TokenBucketTests
{
    private readonly FakeTimeProvider _time = new();

    private static int Take(TokenBucket bucket, int attempts) => Enumerable.Range(0, attempts).Count(_ => bucket.TryTake());

    [Fact]
    public void PassesTheBurstAtOnce_ThenRefillsAtTheRate()
    {
        var bucket = new TokenBucket(ratePerSecond: 50, burst: 100, _time);

        Assert.Equal(100, Take(bucket, 100));
        Assert.False(bucket.TryTake());

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(50, Take(bucket, 80));

        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(5, Take(bucket, 10));
    }

    [Fact]
    public void NeverHoldsMoreThanTheBurst()
    {
        var bucket = new TokenBucket(ratePerSecond: 50, burst: 100, _time);
        Take(bucket, 100);

        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(100, Take(bucket, 500));
    }

    [Fact]
    public void PassesNothing_WhenRateAndBurstAreZero()
    {
        var bucket = new TokenBucket(ratePerSecond: 0, burst: 0, _time);
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(0, Take(bucket, 10));
    }

    [Fact]
    public void PassesOnlyTheBurst_WhenRateIsZero()
    {
        var bucket = new TokenBucket(ratePerSecond: 0, burst: 3, _time);
        Take(bucket, 10);
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.False(bucket.TryTake());
    }

    [Fact]
    public void RefusesNegativeLimits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucket(-1, 10, _time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucket(10, -1, _time));
    }

    [Fact]
    public void NeverExceedsCapacity_UnderConcurrentTakes()
    {
        var bucket = new TokenBucket(ratePerSecond: 0, burst: 1_000, _time);
        var passed = 0;

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            if (bucket.TryTake())
            {
                Interlocked.Increment(ref passed);
            }
        });

        Assert.Equal(1_000, passed);
        Assert.Equal(0, bucket.Available);
    }
}
