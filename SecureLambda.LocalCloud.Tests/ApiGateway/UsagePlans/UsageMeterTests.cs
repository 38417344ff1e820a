using Microsoft.Extensions.Time.Testing;
using SecureLambda.LocalCloud.ApiGateway.Throttling;
using SecureLambda.LocalCloud.ApiGateway.UsagePlans;

namespace SecureLambda.LocalCloud.Tests.ApiGateway.UsagePlans;

/// <summary>
/// Each key's use of its usage plan on a fake clock, so a whole day (or month) of quota runs in milliseconds: the
/// quota per period, the plan's own token bucket, and <c>get-usage</c>'s daily <c>[used, remaining]</c>.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
/// </summary>
public sealed class UsageMeterTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));

    private static UsagePlanDefinition Plan(ThrottleLimits? throttle, QuotaSettings? quota, string id = "plan1") =>
        new(id, "Plan", "Plan", null, [new UsagePlanStage("api1", "dev")], throttle, quota, ["key1", "key2"]);

    private static QuotaSettings Daily(long limit) => QuotaSettings.TryCreate(limit, 0, "DAY", out _)!;

    private static DateOnly Day(int day) => new(2026, 12, day);

    [Fact]
    public void ADailyQuota_RefusesTheRequestPastItsLimit_UntilTheNextUtcDay()
    {
        var meter = new UsageMeter(_clock);
        var plan = Plan(throttle: null, Daily(3));

        var today = Enumerable.Range(0, 4).Select(_ => meter.Admit(plan, "key1")).ToList();
        _clock.Advance(TimeSpan.FromHours(14.99)); // 23:59:24, still the same day
        var lateToday = meter.Admit(plan, "key1");
        _clock.Advance(TimeSpan.FromMinutes(1)); // past midnight UTC
        var tomorrow = meter.Admit(plan, "key1");

        Assert.Equal([UsageDecision.Allowed, UsageDecision.Allowed, UsageDecision.Allowed, UsageDecision.QuotaExceeded], today);
        Assert.Equal(UsageDecision.QuotaExceeded, lateToday);
        Assert.Equal(UsageDecision.Allowed, tomorrow);
    }

    [Fact]
    public void OneKeysQuota_LeavesTheOtherKeysAndTheOtherPlansAlone()
    {
        var meter = new UsageMeter(_clock);
        var plan = Plan(throttle: null, Daily(1));
        var other = Plan(throttle: null, Daily(1), id: "plan2");

        Assert.Equal(UsageDecision.Allowed, meter.Admit(plan, "key1"));
        Assert.Equal(UsageDecision.QuotaExceeded, meter.Admit(plan, "key1"));
        Assert.Equal(UsageDecision.Allowed, meter.Admit(plan, "key2"));
        Assert.Equal(UsageDecision.Allowed, meter.Admit(other, "key1"));
    }

    [Fact]
    public void AMonthlyQuota_CountsEveryDayOfThePeriod_AndResetsOnTheOffsetDay()
    {
        var meter = new UsageMeter(_clock);
        // The period starts on the 5th of each month (offset 4).
        var plan = Plan(throttle: null, QuotaSettings.TryCreate(2, 4, "MONTH", out _));

        Assert.Equal(UsageDecision.Allowed, meter.Admit(plan, "key1")); // 3 December: the period that began on 5 November
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(UsageDecision.Allowed, meter.Admit(plan, "key1")); // 4 December
        Assert.Equal(UsageDecision.QuotaExceeded, meter.Admit(plan, "key1"));
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(UsageDecision.Allowed, meter.Admit(plan, "key1")); // 5 December: a new period
    }

    [Fact]
    public void ThePlansThrottle_RefusesPastTheBurst_RefillsAtTheRate_AndARefusedRequestIsNotCounted()
    {
        var meter = new UsageMeter(_clock);
        var plan = Plan(new ThrottleLimits(RatePerSecond: 2, Burst: 2), Daily(100));

        var burst = Enumerable.Range(0, 3).Select(_ => meter.Admit(plan, "key1")).ToList();
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        var refilled = meter.Admit(plan, "key1");

        Assert.Equal([UsageDecision.Allowed, UsageDecision.Allowed, UsageDecision.Throttled], burst);
        Assert.Equal(UsageDecision.Allowed, refilled);
        Assert.Equal([3L, 97L], Assert.Single(meter.Daily(plan, "key1", Day(3), Day(3))));
    }

    [Fact]
    public void TheQuotaIsCheckedBeforeTheThrottle_SoAnExhaustedKeyTakesNoToken()
    {
        var meter = new UsageMeter(_clock);
        var plan = Plan(new ThrottleLimits(RatePerSecond: 0, Burst: 2), Daily(1));

        Assert.Equal(UsageDecision.Allowed, meter.Admit(plan, "key1"));
        Assert.Equal(UsageDecision.QuotaExceeded, meter.Admit(plan, "key1"));
        Assert.Equal(UsageDecision.QuotaExceeded, meter.Admit(plan, "key1"));
        _clock.Advance(TimeSpan.FromDays(1));
        // One token was taken yesterday; the refused requests took none, so one is left for today.
        Assert.Equal(UsageDecision.Allowed, meter.Admit(plan, "key1"));
    }

    [Fact]
    public void DailyUsage_GivesUsedAndWhatTheQuotaLeftAtTheEndOfEachDay_WithinItsPeriod()
    {
        var meter = new UsageMeter(_clock);
        // A weekly quota of 10 from Sunday: 29 November to 5 December 2026, then 6 December on.
        var plan = Plan(throttle: null, QuotaSettings.TryCreate(10, 0, "WEEK", out _));
        for (var day = 0; day < 4; day++)
        {
            for (var request = 0; request < day + 2; request++)
            {
                meter.Admit(plan, "key1");
            }

            _clock.Advance(TimeSpan.FromDays(1));
        }

        // 3 Dec: 2 used (8 left), 4 Dec: 3 (5), 5 Dec: 4 (1), 6 Dec: a new week, 5 (5). 2 Dec: nothing yet, all 10 left.
        Assert.Equal(
            [[0L, 10L], [2L, 8L], [3L, 5L], [4L, 1L], [5L, 5L], [0L, 5L]],
            meter.Daily(plan, "key1", Day(2), Day(7)));
        Assert.Equal([[0L, 10L]], meter.Daily(plan, "key2", Day(3), Day(3)));
    }

    [Fact]
    public void DailyUsage_WithoutAQuota_HasNothingRemaining()
    {
        var meter = new UsageMeter(_clock);
        var plan = Plan(throttle: null, quota: null);

        meter.Admit(plan, "key1");

        Assert.Equal([[1L, 0L]], meter.Daily(plan, "key1", Day(3), Day(3)));
    }
}
