using System.Net;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Properties;

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

/// <summary>
/// One web request as the WAF sees it: the resolved client address, the request headers, the method, the URI path and
/// query string as sent (still percent-encoded, without the <c>?</c>), and the whole body. The evaluator inspects only
/// the part of the body the associated resource forwards (<see cref="WebAcl.BodyInspectionLimit"/>).
/// </summary>
public sealed record WafRequest(
    IPAddress SourceIp,
    IReadOnlyDictionary<string, string> Headers,
    string Method = "GET",
    string UriPath = "/",
    string QueryString = "",
    ReadOnlyMemory<byte> Body = default);

/// <summary>
/// The outcome of a web ACL evaluation. <paramref name="TerminatingRule"/> is null when the default action applied;
/// <paramref name="CountedRules"/> are the Count rules that matched before the evaluation ended, in priority order.
/// </summary>
public sealed record WafDecision(WafAction Action, string? TerminatingRule, IReadOnlyList<string> CountedRules)
{
    /// <summary>The rule of a managed rule group that decided, when a rule group rule terminated the evaluation.</summary>
    public string? TerminatingManagedRule { get; init; }

    /// <summary>The labels the matching rules added (managed rule group labels), in the order they were added.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];
}

/// <summary>The request component a statement inspects (<c>FieldToMatch</c>); the ones LocalCloud emulates.
/// https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-fields-list.html</summary>
public enum WafField
{
    SingleHeader,
    Body,
    QueryString,
    UriPath,
    Method,
}

/// <summary>What WAF does with a body larger than it is given (<c>OversizeHandling</c>).
/// https://docs.aws.amazon.com/waf/latest/developerguide/waf-oversize-request-components.html</summary>
public enum OversizeHandling
{
    Continue,
    Match,
    NoMatch,
}

/// <summary><c>FieldToMatch</c>: the component, the header's name for <see cref="WafField.SingleHeader"/>, and the
/// oversize handling for <see cref="WafField.Body"/>.</summary>
public sealed record FieldToMatch(WafField Field, string? HeaderName = null, OversizeHandling Oversize = OversizeHandling.Continue);

/// <summary><c>ComparisonOperator</c> of a size constraint.</summary>
public enum SizeComparison
{
    Eq,
    Ne,
    Le,
    Lt,
    Ge,
    Gt,
}

/// <summary>
/// <c>SizeConstraintStatement</c> with no text transformation (<c>NONE</c>): matches when the component's size in
/// bytes compares to <paramref name="Size"/> as <paramref name="Comparison"/> says. A component the request lacks has
/// no size and never matches. https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-size-constraint-match.html
/// </summary>
public sealed record SizeConstraintStatement(FieldToMatch Field, SizeComparison Comparison, long Size) : WafStatement;

/// <summary>
/// <c>ManagedRuleGroupStatement</c>: the rule group's rules in its documented order. <paramref name="Rules"/> holds
/// every rule of the group, emulated or not; <paramref name="ActionOverrides"/> is the action of the rules that
/// <c>RuleActionOverrides</c> or <c>ExcludedRules</c> (Count) change.
/// https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-managed-rule-group.html
/// </summary>
public sealed record ManagedRuleGroupStatement(
    string VendorName,
    string Name,
    IReadOnlyList<ManagedRule> Rules,
    IReadOnlyDictionary<string, WafRuleAction> ActionOverrides,
    WafStatement? ScopeDownStatement) : WafStatement;

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

/// <summary>
/// One rule of a web ACL. For a rule group rule, <paramref name="Action"/> is Count under <c>OverrideAction: Count</c>
/// and Block under <c>OverrideAction: None</c>, where the group's own rule actions decide.
/// </summary>
public sealed record WafRule(string Name, int Priority, WafRuleAction Action, WafStatement Statement, string? MetricName);

/// <summary>
/// A web ACL as LocalCloud emulates it. Build it from the template with <see cref="FromTemplate"/> and evaluate it with
/// <see cref="WebAclEvaluator"/>. <see cref="Rules"/> are in ascending priority.
/// </summary>
public sealed record WebAcl(string Name, WafAction DefaultAction, IReadOnlyList<WafRule> Rules, string? MetricName)
{
    /// <summary>API Gateway forwards the first 16 KB of a body to WAF unless the web ACL's <c>AssociationConfig</c>
    /// raises it. https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-setting-body-inspection-limit.html</summary>
    public const int DefaultBodyInspectionLimit = 16 * 1024;

    /// <summary>How many bytes of a body the associated API stage forwards to WAF.</summary>
    public int BodyInspectionLimit { get; init; } = DefaultBodyInspectionLimit;

    /// <summary>The managed rules LocalCloud cannot evaluate, as <c>{web ACL rule}/{managed rule}</c>, in priority order.</summary>
    public IReadOnlyList<string> NotEmulatedRules =>
    [
        .. Rules.SelectMany(rule => rule.Statement is ManagedRuleGroupStatement group
            ? group.Rules.Where(r => r.Matches is null).Select(r => $"{rule.Name}/{r.Name}")
            : []),
    ];

    /// <summary>
    /// Reads the resolved properties of an <c>AWS::WAFv2::WebACL</c>. <paramref name="ipSetPropertiesByArn"/> gives the
    /// resolved properties of the <c>AWS::WAFv2::IPSet</c> an ARN names (null when none does).
    /// </summary>
    /// <exception cref="UnsupportedTemplateException">A rule, statement or action LocalCloud
    /// does not emulate, or invalid values, naming the web ACL or IP set and the property path.</exception>
    public static WebAcl FromTemplate(
        ResourceProperties webAclProperties,
        Func<string, ResourceProperties?> ipSetPropertiesByArn) =>
        WebAclParser.Parse(webAclProperties, ipSetPropertiesByArn);
}
