using System.Diagnostics;
using System.Diagnostics.Metrics;
using SecureLambda.LocalCloud.Diagnostics;

namespace SecureLambda.LocalCloud.Waf;

/// <summary>
/// WAF decisions as span attributes and the <c>securelambda.waf.requests</c> counter. Actions use the vocabulary of
/// AWS WAF logs (ALLOW, BLOCK, COUNT; <c>Default_Action</c> for the default action).
/// https://docs.aws.amazon.com/waf/latest/developerguide/logging-fields.html
/// </summary>
internal static class WafTelemetry
{
    public const string CounterName = "securelambda.waf.requests";

    private static readonly Counter<long> Requests = LocalCloudTelemetry.Meter.CreateCounter<long>(
        CounterName,
        unit: "{request}",
        description: "Web ACL rule matches (one per matching rule, Count included) and default actions.");

    public static string Name(WafRuleAction action) => action switch
    {
        WafRuleAction.Allow => "ALLOW",
        WafRuleAction.Block => "BLOCK",
        _ => "COUNT",
    };

    public static string Name(WafAction action) => action == WafAction.Allow ? "ALLOW" : "BLOCK";

    public static void RecordRule(string webAcl, string rule, WafRuleAction action) =>
        Requests.Add(1, new("web_acl", webAcl), new("rule", rule), new("action", Name(action)));

    public static void RecordDefault(string webAcl, WafAction action) =>
        Requests.Add(1, new("web_acl", webAcl), new("rule", WebAclEvaluator.DefaultActionRuleName), new("action", Name(action)));

    /// <summary>The span attribute that names, on every WAF span, the managed rules LocalCloud did not evaluate.</summary>
    public const string NotEmulatedAttribute = "aws.waf.not_emulated_locally";

    public static void Annotate(Activity? activity, WafDecision decision, IReadOnlyList<string> notEmulatedRules)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("aws.waf.action", Name(decision.Action));
        activity.SetTag("aws.waf.terminating_rule", decision.TerminatingRule ?? WebAclEvaluator.DefaultActionRuleName);
        activity.SetTag("aws.waf.counted_rules", decision.CountedRules.ToArray());
        if (decision.TerminatingManagedRule is { } managedRule)
        {
            activity.SetTag("aws.waf.terminating_managed_rule", managedRule);
        }

        if (decision.Labels.Count > 0)
        {
            activity.SetTag("aws.waf.labels", decision.Labels.ToArray());
        }

        if (notEmulatedRules.Count > 0)
        {
            // Never a silent skip: a reader of the trace sees which rules AWS would also have run.
            activity.SetTag(NotEmulatedAttribute, notEmulatedRules.Select(rule => $"{rule}: not emulated locally").ToArray());
        }
    }
}
