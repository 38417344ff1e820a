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

    public WebAclEvaluator(WebAcl webAcl, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(webAcl);
        ArgumentNullException.ThrowIfNull(timeProvider);
        WebAcl = webAcl;
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

        var counted = new List<string>();
        foreach (var rule in WebAcl.Rules)
        {
            if (!RuleMatches(rule, request))
            {
                continue;
            }

            WafTelemetry.RecordRule(WebAcl.Name, rule.Name, rule.Action);
            switch (rule.Action)
            {
                case WafRuleAction.Count:
                    counted.Add(rule.Name);
                    break;
                case WafRuleAction.Allow:
                    return Decide(new WafDecision(WafAction.Allow, rule.Name, counted));
                case WafRuleAction.Block:
                    return Decide(new WafDecision(WafAction.Block, rule.Name, counted));
                default:
                    throw new UnreachableException($"Rule action {rule.Action}.");
            }
        }

        WafTelemetry.RecordDefault(WebAcl.Name, WebAcl.DefaultAction);
        return Decide(new WafDecision(WebAcl.DefaultAction, null, counted));
    }

    private static WafDecision Decide(WafDecision decision)
    {
        WafTelemetry.Annotate(Activity.Current, decision);
        return decision;
    }

    private bool RuleMatches(WafRule rule, WafRequest request)
    {
        if (rule.Statement is RateBasedStatement rate)
        {
            return RateBasedMatches(rule.Name, rate, request);
        }

        // "If the specified header isn't present in the request, AWS WAF doesn't apply the rule to the web request
        // at all." https://docs.aws.amazon.com/waf/latest/APIReference/API_IPSetForwardedIPConfig.html
        var applicable = true;
        var matches = Matches(rule.Statement, request, ref applicable);
        return applicable && matches;
    }

    /// <summary>
    /// Counts the request for its aggregation key when it reaches the rule and is in scope, and matches while the key
    /// is over the limit. Requests the rule blocks still count, as they do in AWS, so a key that keeps sending stays
    /// blocked until its rate in the window drops back to the limit.
    /// </summary>
    private bool RateBasedMatches(string ruleName, RateBasedStatement rate, WafRequest request)
    {
        if (rate.ScopeDownStatement is { } scope)
        {
            var applicable = true;
            if (!Matches(scope, request, ref applicable) || !applicable)
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

    private static bool Matches(WafStatement statement, WafRequest request, ref bool applicable)
    {
        switch (statement)
        {
            case IpSetReferenceStatement ipSet:
                return IpSetMatches(ipSet, request, ref applicable);
            case NotStatement not:
                return !Matches(not.Statement, request, ref applicable);
            case AndStatement and:
            {
                // Every child is evaluated (no side effects here), so a missing forwarded-IP header anywhere in the
                // rule makes the rule inapplicable, as AWS documents.
                var all = true;
                foreach (var child in and.Statements)
                {
                    all &= Matches(child, request, ref applicable);
                }

                return all;
            }

            case OrStatement or:
            {
                var any = false;
                foreach (var child in or.Statements)
                {
                    any |= Matches(child, request, ref applicable);
                }

                return any;
            }

            default:
                throw new UnreachableException($"{statement.GetType().Name} is rejected by the parser where it cannot appear.");
        }
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
