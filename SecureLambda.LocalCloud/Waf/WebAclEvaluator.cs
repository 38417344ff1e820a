using System.Diagnostics;
using System.Net;

namespace SecureLambda.LocalCloud.Waf;

/// <summary>
/// Evaluates requests against one web ACL the way AWS WAF does: rules in ascending priority; a matching Count rule is
/// recorded and evaluation continues; the first matching Allow or Block rule decides; otherwise the default action.
/// https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-processing-order.html
/// https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-actions.html
/// Thread-safe: the gateway calls it concurrently; the only shared state is the rate-based counts.
/// </summary>
public sealed class WebAclEvaluator
{
    /// <summary>The rule name AWS WAF logs as <c>terminatingRuleId</c> when the default action decided.
    /// https://docs.aws.amazon.com/waf/latest/developerguide/logging-fields.html</summary>
    public const string DefaultActionRuleName = "Default_Action";

    private readonly Dictionary<string, SlidingWindowRateCounter> _rateCounters = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<string> _notEmulatedRules;

    public WebAclEvaluator(WebAcl webAcl, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(webAcl);
        ArgumentNullException.ThrowIfNull(timeProvider);
        WebAcl = webAcl;
        _notEmulatedRules = webAcl.NotEmulatedRules;
        foreach (var rule in webAcl.Rules)
        {
            if (rule.Statement is RateBasedStatement rate)
            {
                _rateCounters[rule.Name] = new SlidingWindowRateCounter(
                    rate.Limit, TimeSpan.FromSeconds(rate.EvaluationWindowSec), timeProvider);
            }
        }
    }

    public WebAcl WebAcl { get; }

    /// <summary>How many aggregation keys the named rate-based rule tracks now (memory is bounded by pruning).</summary>
    internal int TrackedRateKeys(string ruleName) => _rateCounters[ruleName].TrackedKeys;

    public WafDecision Evaluate(WafRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request = request with { SourceIp = IpAddresses.Normalize(request.SourceIp) };
        var inspection = new WafInspection(request, WebAcl.BodyInspectionLimit);

        var counted = new List<string>();
        var labels = new List<string>();
        foreach (var rule in WebAcl.Rules)
        {
            WafRuleAction action;
            string? managedRule = null;
            if (rule.Statement is ManagedRuleGroupStatement group)
            {
                if (EvaluateGroup(group, inspection, labels) is not var (matched, groupAction))
                {
                    continue;
                }

                // OverrideAction Count turns the group's terminating action into a count of the web ACL's rule.
                (action, managedRule) = (rule.Action == WafRuleAction.Count ? WafRuleAction.Count : groupAction, matched.Name);
            }
            else if (RuleMatches(rule, inspection))
            {
                action = rule.Action;
            }
            else
            {
                continue;
            }

            WafTelemetry.RecordRule(WebAcl.Name, rule.Name, action);
            switch (action)
            {
                case WafRuleAction.Count:
                    counted.Add(rule.Name);
                    break;
                case WafRuleAction.Allow:
                    return Decide(new WafDecision(WafAction.Allow, rule.Name, counted) { TerminatingManagedRule = managedRule, Labels = labels });
                case WafRuleAction.Block:
                    return Decide(new WafDecision(WafAction.Block, rule.Name, counted) { TerminatingManagedRule = managedRule, Labels = labels });
                default:
                    throw new UnreachableException($"Rule action {action}.");
            }
        }

        WafTelemetry.RecordDefault(WebAcl.Name, WebAcl.DefaultAction);
        return Decide(new WafDecision(WebAcl.DefaultAction, null, counted) { Labels = labels });
    }

    private WafDecision Decide(WafDecision decision)
    {
        WafTelemetry.Annotate(Activity.Current, decision, _notEmulatedRules);
        return decision;
    }

    /// <summary>
    /// The group's rules in order: each emulated rule that matches adds its label; the first whose action (after
    /// RuleActionOverrides and ExcludedRules) is not Count ends the group with that action. Null when none did.
    /// https://docs.aws.amazon.com/waf/latest/developerguide/waf-managed-rule-groups.html
    /// </summary>
    private static (ManagedRule Rule, WafRuleAction Action)? EvaluateGroup(
        ManagedRuleGroupStatement group, WafInspection inspection, List<string> labels)
    {
        if (group.ScopeDownStatement is { } scope)
        {
            var applicable = true;
            if (!Matches(scope, inspection, ref applicable) || !applicable)
            {
                return null;
            }
        }

        foreach (var rule in group.Rules)
        {
            if (rule.Matches is not { } matches || !matches(inspection))
            {
                continue;
            }

            labels.Add(rule.Label);
            var action = group.ActionOverrides.GetValueOrDefault(rule.Name, rule.Action);
            if (action != WafRuleAction.Count)
            {
                return (rule, action);
            }
        }

        return null;
    }

    private bool RuleMatches(WafRule rule, WafInspection inspection)
    {
        if (rule.Statement is RateBasedStatement rate)
        {
            return RateBasedMatches(rule.Name, rate, inspection);
        }

        // "If the specified header isn't present in the request, AWS WAF doesn't apply the rule to the web request
        // at all." https://docs.aws.amazon.com/waf/latest/APIReference/API_IPSetForwardedIPConfig.html
        var applicable = true;
        var matches = Matches(rule.Statement, inspection, ref applicable);
        return applicable && matches;
    }

    /// <summary>
    /// Counts the request for its aggregation key when it reaches the rule and is in scope, and matches while the key
    /// is over the limit. Requests the rule blocks still count, as they do in AWS, so a key that keeps sending stays
    /// blocked until its rate in the window drops back to the limit.
    /// </summary>
    private bool RateBasedMatches(string ruleName, RateBasedStatement rate, WafInspection inspection)
    {
        var request = inspection.Request;
        if (rate.ScopeDownStatement is { } scope)
        {
            var applicable = true;
            if (!Matches(scope, inspection, ref applicable) || !applicable)
            {
                return false;
            }
        }

        string key;
        if (rate.AggregateKeyType == RateAggregateKeyType.Ip)
        {
            key = request.SourceIp.ToString();
        }
        else
        {
            var config = rate.ForwardedIpConfig!;
            var header = WafHeaders.Find(request.Headers, config.HeaderName);
            if (header is null)
            {
                return false;
            }

            if (!IpAddresses.TryParseClientAddress(header.Split(',')[0], out var forwarded))
            {
                // FallbackBehavior for a header without a valid address; such requests have no key to count under.
                return config.FallbackMatches;
            }

            key = forwarded.ToString();
        }

        return _rateCounters[ruleName].RecordAndCheck(key);
    }

    private static bool Matches(WafStatement statement, WafInspection inspection, ref bool applicable)
    {
        switch (statement)
        {
            case IpSetReferenceStatement ipSet:
                return IpSetMatches(ipSet, inspection.Request, ref applicable);
            case SizeConstraintStatement size:
                return SizeMatches(size, inspection);
            case NotStatement not:
                return !Matches(not.Statement, inspection, ref applicable);
            case AndStatement and:
            {
                // Every child is evaluated (no side effects here), so a missing forwarded-IP header anywhere in the
                // rule makes the rule inapplicable, as AWS documents.
                var all = true;
                foreach (var child in and.Statements)
                {
                    all &= Matches(child, inspection, ref applicable);
                }

                return all;
            }

            case OrStatement or:
            {
                var any = false;
                foreach (var child in or.Statements)
                {
                    any |= Matches(child, inspection, ref applicable);
                }

                return any;
            }

            default:
                throw new UnreachableException($"{statement.GetType().Name} is rejected by the parser where it cannot appear.");
        }
    }

    /// <summary>
    /// The component's size in bytes against the constraint. A header the request lacks has no size, so the statement
    /// does not match (wrap it in a NotStatement to match its absence). A body beyond what WAF is forwarded follows
    /// OversizeHandling: MATCH, NO_MATCH, or CONTINUE with the forwarded part.
    /// https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-size-constraint-match.html
    /// https://docs.aws.amazon.com/waf/latest/developerguide/waf-oversize-request-components.html
    /// </summary>
    private static bool SizeMatches(SizeConstraintStatement statement, WafInspection inspection)
    {
        long size;
        switch (statement.Field.Field)
        {
            case WafField.SingleHeader:
                if (inspection.Header(statement.Field.HeaderName!) is not { } header)
                {
                    return false;
                }

                size = WafInspection.Bytes(header);
                break;
            case WafField.Body when inspection.BodyIsOversize && statement.Field.Oversize != OversizeHandling.Continue:
                return statement.Field.Oversize == OversizeHandling.Match;
            case WafField.Body:
                size = inspection.Body.Length;
                break;
            case WafField.QueryString:
                size = WafInspection.Bytes(inspection.Request.QueryString);
                break;
            case WafField.UriPath:
                size = WafInspection.Bytes(inspection.Request.UriPath);
                break;
            case WafField.Method:
                size = WafInspection.Bytes(inspection.Request.Method);
                break;
            default:
                throw new UnreachableException($"Field {statement.Field.Field}.");
        }

        return statement.Comparison switch
        {
            SizeComparison.Eq => size == statement.Size,
            SizeComparison.Ne => size != statement.Size,
            SizeComparison.Le => size <= statement.Size,
            SizeComparison.Lt => size < statement.Size,
            SizeComparison.Ge => size >= statement.Size,
            SizeComparison.Gt => size > statement.Size,
            _ => throw new UnreachableException($"Comparison {statement.Comparison}."),
        };
    }

    private static bool IpSetMatches(IpSetReferenceStatement ipSet, WafRequest request, ref bool applicable)
    {
        if (ipSet.ForwardedIpConfig is not { } config)
        {
            return InSet(ipSet, request.SourceIp);
        }

        var header = WafHeaders.Find(request.Headers, config.HeaderName);
        if (header is null)
        {
            applicable = false;
            return false;
        }

        var entries = header.Split(',');
        IEnumerable<string> inspected = config.Position switch
        {
            ForwardedIpPosition.First => [entries[0]],
            ForwardedIpPosition.Last => [entries[^1]],

            // "If the header contains more than 10 IP addresses, AWS WAF inspects the last 10."
            // https://docs.aws.amazon.com/waf/latest/APIReference/API_IPSetForwardedIPConfig.html
            _ => entries.TakeLast(10),
        };

        var sawInvalid = false;
        foreach (var entry in inspected)
        {
            if (!IpAddresses.TryParseClientAddress(entry, out var address))
            {
                sawInvalid = true;
            }
            else if (InSet(ipSet, address))
            {
                return true;
            }
        }

        return sawInvalid && config.FallbackMatches;
    }

    private static bool InSet(IpSetReferenceStatement ipSet, IPAddress address)
    {
        foreach (var network in ipSet.Addresses)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
