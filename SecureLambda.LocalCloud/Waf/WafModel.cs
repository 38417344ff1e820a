using System.Net;

namespace SecureLambda.LocalCloud.Waf;

/// <summary>The final disposition of a request by the web ACL.</summary>
public enum WafAction
{
    Allow,
    Block,
}

/// <summary>
/// What a rule does when its statement matches. Allow and Block terminate the evaluation; Count records the match and
/// evaluation continues with the next rule.
/// https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-actions.html
/// </summary>
public enum WafRuleAction
{
    Allow,
    Block,
    Count,
}

/// <summary>The IP version an IP set holds (<c>IPAddressVersion</c>).</summary>
public enum IpAddressVersion
{
    IPv4,
    IPv6,
}

/// <summary>Where the client address sits in a forwarded-IP header (<c>IPSetForwardedIPConfig.Position</c>).</summary>
public enum ForwardedIpPosition
{
    First,
    Last,
    Any,
}

/// <summary>The aggregation key of a rate-based rule (<c>AggregateKeyType</c>); the ones LocalCloud emulates.</summary>
public enum RateAggregateKeyType
{
    Ip,
    ForwardedIp,
}

/// <summary>One web request as the WAF sees it: the resolved client address and the request headers.</summary>
public sealed record WafRequest(IPAddress SourceIp, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// The outcome of a web ACL evaluation. <paramref name="TerminatingRule"/> is null when the default action applied;
/// <paramref name="CountedRules"/> are the Count rules that matched before the evaluation ended, in priority order.
/// </summary>
public sealed record WafDecision(WafAction Action, string? TerminatingRule, IReadOnlyList<string> CountedRules);

/// <summary>
/// Reading the client address from a header instead of the connection (<c>ForwardedIPConfig</c> and
/// <c>IPSetForwardedIPConfig</c>). <paramref name="FallbackMatches"/> is the <c>FallbackBehavior</c> (MATCH = true)
/// for a header that holds no valid address. https://docs.aws.amazon.com/waf/latest/APIReference/API_IPSetForwardedIPConfig.html
/// </summary>
public sealed record ForwardedIpConfig(string HeaderName, bool FallbackMatches, ForwardedIpPosition Position);

/// <summary>A rule statement of a web ACL. Only the statement types below are emulated; others fail at startup.</summary>
public abstract record WafStatement;

/// <summary><c>IPSetReferenceStatement</c>, with the referenced IP set's addresses already looked up.</summary>
public sealed record IpSetReferenceStatement(
    string Arn,
    IpAddressVersion Version,
    IReadOnlyList<IPNetwork> Addresses,
    ForwardedIpConfig? ForwardedIpConfig) : WafStatement;

public sealed record NotStatement(WafStatement Statement) : WafStatement;

public sealed record AndStatement(IReadOnlyList<WafStatement> Statements) : WafStatement;

public sealed record OrStatement(IReadOnlyList<WafStatement> Statements) : WafStatement;

/// <summary>
/// <c>RateBasedStatement</c>: at most <paramref name="Limit"/> requests per aggregation key in the last
/// <paramref name="EvaluationWindowSec"/> seconds. https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatement.html
/// </summary>
public sealed record RateBasedStatement(
    long Limit,
    RateAggregateKeyType AggregateKeyType,
    int EvaluationWindowSec,
    ForwardedIpConfig? ForwardedIpConfig,
    WafStatement? ScopeDownStatement) : WafStatement;

/// <summary>One rule of a web ACL.</summary>
public sealed record WafRule(string Name, int Priority, WafRuleAction Action, WafStatement Statement, string? MetricName);

/// <summary>
/// A web ACL as LocalCloud emulates it. Build it from the template with <see cref="FromTemplate"/> and evaluate it with
/// <see cref="WebAclEvaluator"/>. <see cref="Rules"/> are in ascending priority.
/// </summary>
public sealed record WebAcl(string Name, WafAction DefaultAction, IReadOnlyList<WafRule> Rules, string? MetricName)
{
    /// <summary>
    /// Reads the resolved properties of an <c>AWS::WAFv2::WebACL</c>. <paramref name="ipSetPropertiesByArn"/> gives the
    /// resolved properties of the <c>AWS::WAFv2::IPSet</c> an ARN names (null when none does).
    /// </summary>
    /// <exception cref="WafConfigurationException">A rule, statement or action LocalCloud does not emulate, or invalid values.</exception>
    public static WebAcl FromTemplate(
        System.Text.Json.Nodes.JsonObject webAclProperties,
        Func<string, System.Text.Json.Nodes.JsonObject?> ipSetPropertiesByArn) =>
        WebAclParser.Parse(webAclProperties, ipSetPropertiesByArn);
}
