using System.Diagnostics;
using System.Diagnostics.Metrics;
using SecureLambda.LocalCloud.AwsEndpoint;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Diagnostics;

namespace SecureLambda.LocalCloud.Faults;

/// <summary>
/// Picks the fault of a call or an invocation from the current <see cref="FaultRules"/> and applies its delay, making
/// each applied fault visible: a <c>localcloud.fault</c> event on the current span, the
/// <c>securelambda.faults.applied</c> counter and an Information log naming the rule. The dice are a
/// <see cref="Random"/> registered under <see cref="RandomKey"/>, so tests may fix them.
/// </summary>
public sealed partial class FaultInjector(
    FaultRules rules,
    [FromKeyedServices(FaultInjector.RandomKey)] Random random,
    TimeProvider timeProvider,
    ILogger<FaultInjector> logger)
{
    /// <summary>The service key of the <see cref="Random"/> the rules' probabilities are rolled with.</summary>
    public const string RandomKey = "SecureLambda.LocalCloud.Faults";

    public const string EventName = "localcloud.fault";

    private static readonly Counter<long> Applied = LocalCloudTelemetry.Meter.CreateCounter<long>(
        "securelambda.faults.applied", unit: "{fault}", description: "Faults injected by LocalCloud's fault rules, by service, operation, function and error code.");

    public FaultRule? PickForCall(AwsServiceCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return FaultMatching.PickForCall(rules.Current, call.Service, call.Operation, Roll);
    }

    public FaultRule? PickForInvocation(LambdaFunctionDefinition function) =>
        FaultMatching.PickForInvocation(rules.Current, function, Roll);

    /// <summary>Records that <paramref name="rule"/> fired on <paramref name="target"/>, then waits its latency.</summary>
    public async Task ApplyAsync(FaultRule rule, string target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var code = rule.Error?.Code ?? "none";
        Activity.Current?.AddEvent(new ActivityEvent(EventName, tags: new ActivityTagsCollection
        {
            ["localcloud.fault.service"] = rule.Service,
            ["localcloud.fault.operation"] = rule.Operation,
            ["localcloud.fault.function"] = rule.Function,
            ["localcloud.fault.code"] = code,
            ["localcloud.fault.status_code"] = rule.Error?.StatusCode,
            ["localcloud.fault.latency_ms"] = rule.LatencyMs,
            ["localcloud.fault.target"] = target,
        }));
        Applied.Add(1,
            new KeyValuePair<string, object?>("service", rule.Service),
            new KeyValuePair<string, object?>("operation", rule.Operation ?? "*"),
            new KeyValuePair<string, object?>("function", rule.Function ?? "*"),
            new KeyValuePair<string, object?>("code", code));
        LogApplied(rule, target);
        if (rule.LatencyMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(rule.LatencyMs), timeProvider, cancellationToken);
        }
    }

    private double Roll()
    {
        // Random.Shared is thread-safe; a Random of a test's own is used by one test at a time.
        lock (random)
        {
            return random.NextDouble();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fault rule {Rule} fired on {Target}")]
    private partial void LogApplied(FaultRule rule, string target);
}
