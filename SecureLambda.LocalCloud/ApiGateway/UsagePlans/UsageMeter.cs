using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using SecureLambda.LocalCloud.ApiGateway.Throttling;
using SecureLambda.LocalCloud.Diagnostics;

namespace SecureLambda.LocalCloud.ApiGateway.UsagePlans;

/// <summary>What a usage plan decided about one request made with one of its keys.</summary>
public enum UsageDecision
{
    Allowed,

    /// <summary>The plan's throttle has no token left: THROTTLED, 429 "Too Many Requests".</summary>
    Throttled,

    /// <summary>The key has used the plan's quota for this period: QUOTA_EXCEEDED, 429 "Limit Exceeded".</summary>
    QuotaExceeded,
}

/// <summary>
/// Each key's use of its usage plan: a token bucket with the plan's rate and burst, and the requests counted per UTC day,
/// from which the quota of the current period and <c>get-usage</c>'s daily figures are taken. A request the quota or
/// the throttle refuses is not counted. The counts outlive a rebuilt data-plane model (the engine restarted), as a
/// key's usage in AWS outlives a redeployment; they are kept in memory, so a LocalCloud restart starts them at zero.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
/// </summary>
public sealed class UsageMeter(TimeProvider timeProvider)
{
    public const string CounterName = "securelambda.usageplan.decisions";

    private static readonly Counter<long> Decisions = LocalCloudTelemetry.Meter.CreateCounter<long>(
        CounterName, unit: "{request}", description: "Usage plan decisions (allowed, throttled, quota exceeded) per plan and API key.");

    private readonly ConcurrentDictionary<(string PlanId, string KeyId), KeyUsage> _usage = new();

    public TimeProvider TimeProvider { get; } = timeProvider;

    /// <summary>Counts one request of <paramref name="keyId"/> against <paramref name="plan"/>, unless the quota or the throttle refuses it.</summary>
    public UsageDecision Admit(UsagePlanDefinition plan, string keyId)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var usage = _usage.GetOrAdd((plan.Id, keyId), _ => new KeyUsage());
        var now = TimeProvider.GetUtcNow();
        UsageDecision decision;
        lock (usage.Gate)
        {
            if (plan.Quota is { } quota && usage.UsedInPeriod(quota, now) >= quota.Limit)
            {
                decision = UsageDecision.QuotaExceeded;
            }
            else if (plan.Throttle is { } throttle && !usage.BucketFor(throttle, TimeProvider).TryTake())
            {
                decision = UsageDecision.Throttled;
            }
            else
            {
                usage.Count(DateOnly.FromDateTime(now.UtcDateTime));
                decision = UsageDecision.Allowed;
            }
        }

        Decisions.Add(1, new("usage_plan", plan.Id), new("api_key", keyId), new("result", decision.ToString()));
        return decision;
    }

    /// <summary>
    /// The key's <c>[used, remaining]</c> for each day from <paramref name="from"/> to <paramref name="to"/>, as
    /// <c>get-usage</c> gives them: remaining is what the quota left at the end of that day in its period (0 without a quota).
    /// </summary>
    public IReadOnlyList<long[]> Daily(UsagePlanDefinition plan, string keyId, DateOnly from, DateOnly to)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var usage = _usage.GetValueOrDefault((plan.Id, keyId)) ?? new KeyUsage();
        var days = new List<long[]>();
        lock (usage.Gate)
        {
            for (var day = from; day <= to; day = day.AddDays(1))
            {
                var remaining = plan.Quota is { } quota
                    ? Math.Max(0, quota.Limit - usage.UsedInPeriod(quota, Midnight(day)))
                    : 0;
                days.Add([usage.On(day), remaining]);
            }
        }

        return days;
    }

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private sealed class KeyUsage
    {
        private readonly SortedDictionary<DateOnly, long> _perDay = [];
        private TokenBucket? _bucket;
        private ThrottleLimits? _limits;

        public Lock Gate { get; } = new();

        /// <summary>The plan's bucket; a plan whose limits changed (the stack was provisioned again) gets a new, full one.</summary>
        public TokenBucket BucketFor(ThrottleLimits limits, TimeProvider timeProvider)
        {
            if (_bucket is null || _limits != limits)
            {
                _bucket = limits.CreateBucket(timeProvider);
                _limits = limits;
            }

            return _bucket;
        }

        public long UsedInPeriod(QuotaSettings quota, DateTimeOffset now) =>
            Between(DateOnly.FromDateTime(quota.PeriodStart(now).UtcDateTime), DateOnly.FromDateTime(now.UtcDateTime));

        public void Count(DateOnly day) => _perDay[day] = On(day) + 1;

        public long On(DateOnly day) => _perDay.GetValueOrDefault(day);

        public long Between(DateOnly from, DateOnly to) =>
            _perDay.Where(entry => entry.Key >= from && entry.Key <= to).Sum(entry => entry.Value);
    }
}
