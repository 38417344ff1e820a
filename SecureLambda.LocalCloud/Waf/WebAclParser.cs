using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Properties;

namespace SecureLambda.LocalCloud.Waf;

/// <summary>
/// Reads <c>AWS::WAFv2::WebACL</c> properties. Everything LocalCloud cannot evaluate exactly as AWS would fails here,
/// at startup as an <see cref="UnsupportedTemplateException"/> naming the web ACL (or IP set), the property path and
/// the rule: a silently skipped rule would let through what AWS blocks.
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-wafv2-webacl.html
/// </summary>
internal static class WebAclParser
{
    /// <summary>AWS WAF accepts these evaluation windows; 300 is the default.
    /// https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html</summary>
    private static readonly int[] EvaluationWindows = [60, 120, 300, 600];

    /// <summary>The rate limit range of a rate-based statement (the minimum was 100 before 2024).
    /// https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatement.html</summary>
    private const long MinRateLimit = 10;

    private const long MaxRateLimit = 2_000_000_000;

    public static WebAcl Parse(ResourceProperties properties, Func<string, ResourceProperties?> ipSetPropertiesByArn)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(ipSetPropertiesByArn);

        var name = properties.OptionalString("Name") ?? "WebACL";
        var context = $"WebACL '{name}'";
        var defaultAction = ParseDefaultAction(properties, context);
        var metricName = properties.OptionalObject("VisibilityConfig")?.OptionalString("MetricName");
        var rules = properties.ObjectList("Rules").Select(rule => ParseRule(rule, context, ipSetPropertiesByArn)).ToList();

        // Rule names and priorities must be unique within a web ACL.
        // https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-processing-order.html
        if (rules.GroupBy(r => r.Priority).FirstOrDefault(g => g.Count() > 1) is { } samePriority)
        {
            throw Fail(properties, "Rules", context,
                $"rules [{string.Join(", ", samePriority.Select(r => r.Name))}] share priority {samePriority.Key}; priorities must be unique.");
        }

        if (rules.GroupBy(r => r.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } sameName)
        {
            throw Fail(properties, "Rules", context, $"more than one rule is named '{sameName.Key}'.");
        }

        return new WebAcl(name, defaultAction, [.. rules.OrderBy(r => r.Priority)], metricName)
        {
            BodyInspectionLimit = ParseBodyInspectionLimit(properties, context),
        };
    }

    /// <summary>
    /// <c>AssociationConfig.RequestBody.API_GATEWAY.DefaultSizeInspectionLimit</c>: KB_16 (the default) to KB_64.
    /// https://docs.aws.amazon.com/waf/latest/APIReference/API_RequestBodyAssociatedResourceTypeConfig.html
    /// </summary>
    private static int ParseBodyInspectionLimit(ResourceProperties properties, string context)
    {
        if (properties.OptionalObject("AssociationConfig")?.OptionalObject("RequestBody")?.OptionalObject("API_GATEWAY") is not { } apiGateway)
        {
            return WebAcl.DefaultBodyInspectionLimit;
        }

        return Required(apiGateway, "DefaultSizeInspectionLimit", context) switch
        {
            "KB_16" => 16 * 1024,
            "KB_32" => 32 * 1024,
            "KB_48" => 48 * 1024,
            "KB_64" => 64 * 1024,
            var other => throw Fail(apiGateway, "DefaultSizeInspectionLimit", context,
                $"DefaultSizeInspectionLimit must be KB_16, KB_32, KB_48 or KB_64, got '{other}'."),
        };
    }

    private static WafAction ParseDefaultAction(ResourceProperties properties, string context) =>
        ParseAction(properties, "DefaultAction", $"{context} DefaultAction") switch
        {
            WafRuleAction.Allow => WafAction.Allow,
            WafRuleAction.Block => WafAction.Block,
            _ => throw Fail(properties, "DefaultAction", context, "DefaultAction must be Allow or Block."),
        };

    private static WafRule ParseRule(ResourceProperties rule, string aclContext, Func<string, ResourceProperties?> ipSets)
    {
        var name = Required(rule, "Name", $"{aclContext}: a rule");
        var context = $"{aclContext} rule '{name}'";
        var priority = rule.OptionalLong("Priority") ?? throw Fail(rule, "Priority", context, "Priority is required.");
        if (priority is < 0 or > int.MaxValue)
        {
            throw Fail(rule, "Priority", context, "Priority must be a non-negative integer.");
        }

        var statement = ParseStatement(rule.RequiredObject("Statement"), context, ipSets, topLevel: true);
        var action = ParseRuleAction(rule, statement is ManagedRuleGroupStatement, context);
        var metricName = rule.OptionalObject("VisibilityConfig")?.OptionalString("MetricName");
        return new WafRule(name, (int)priority, action, statement, metricName);
    }

    /// <summary>
    /// A rule group rule has an <c>OverrideAction</c> (None keeps the group's rule actions, Count makes them count)
    /// and no <c>Action</c>; every other rule the reverse.
    /// https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-group-override-options.html
    /// </summary>
    private static WafRuleAction ParseRuleAction(ResourceProperties rule, bool isRuleGroup, string context)
    {
        var hasAction = rule.OptionalObject("Action") is not null;
        var hasOverrideAction = rule.OptionalObject("OverrideAction") is not null;
        if (!isRuleGroup)
        {
            return hasAction
                ? ParseAction(rule, "Action", context)
                : throw Fail(rule, "Action", context, hasOverrideAction
                    ? "OverrideAction applies only to rule group statements; this rule needs an Action."
                    : "Action is required.");
        }

        if (hasAction || !hasOverrideAction)
        {
            throw Fail(rule, "OverrideAction", context, "a rule group rule takes OverrideAction (None or Count), not Action.");
        }

        var (kind, _) = Single(rule.RequiredObject("OverrideAction"), $"{context}: OverrideAction");
        return kind switch
        {
            "None" => WafRuleAction.Block,
            "Count" => WafRuleAction.Count,
            _ => throw Fail(rule, "OverrideAction", context, $"OverrideAction must be None or Count, got '{kind}'."),
        };
    }

    private static WafRuleAction ParseAction(ResourceProperties parent, string name, string context)
    {
        var (kind, body) = Single(parent.RequiredObject(name), $"{context}: Action");

        // Custom responses and request headers change what the client or the integration sees; we would have to
        // emulate them to be faithful, so refuse instead of ignoring them.
        // https://docs.aws.amazon.com/waf/latest/developerguide/waf-custom-request-response.html
        if (body is { Json.Count: > 0 })
        {
            throw Fail(parent, name, context,
                $"{kind} with [{string.Join(", ", body.Json.Select(p => p.Key))}] (custom request or response handling) is not emulated by LocalCloud.");
        }

        return kind switch
        {
            "Allow" => WafRuleAction.Allow,
            "Block" => WafRuleAction.Block,
            "Count" => WafRuleAction.Count,

            // Both depend on the browser solving a puzzle or a silent challenge and on the aws-waf-token cookie.
            // https://docs.aws.amazon.com/waf/latest/developerguide/waf-captcha-and-challenge.html
            "Captcha" or "Challenge" => throw Fail(parent, name, context,
                $"action {kind} is not emulated by LocalCloud (it needs the AWS WAF token and a client-side puzzle); use Allow, Block or Count."),
            _ => throw Fail(parent, name, context, $"unknown action '{kind}'."),
        };
    }

    private static WafStatement ParseStatement(
        ResourceProperties statement, string context, Func<string, ResourceProperties?> ipSets, bool topLevel)
    {
        var (kind, body) = Single(statement, $"{context}: Statement");
        if (body is null)
        {
            throw Fail(statement, kind, context, $"{kind} must be an object.");
        }

        switch (kind)
        {
            case "IPSetReferenceStatement":
                return ParseIpSetReference(body, context, ipSets);
            case "NotStatement":
                return new NotStatement(ParseStatement(body.RequiredObject("Statement"), context, ipSets, topLevel: false));
            case "AndStatement":
                return new AndStatement(ParseStatements(body, "AndStatement", context, ipSets));
            case "OrStatement":
                return new OrStatement(ParseStatements(body, "OrStatement", context, ipSets));
            case "SizeConstraintStatement":
                return ParseSizeConstraint(body, $"{context} SizeConstraintStatement");
            case "ManagedRuleGroupStatement":
                // Like rate-based statements, rule group statements can only be the top-level statement of a rule.
                // https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-managed-rule-group.html
                if (!topLevel)
                {
                    throw Fail(statement, kind, context, "ManagedRuleGroupStatement can only be the top-level statement of a rule, not nested.");
                }

                return ParseManagedRuleGroup(body, context, ipSets);
            case "RateBasedStatement":
                // AWS accepts a rate-based statement only as the top-level statement of a rule.
                // https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
                if (!topLevel)
                {
                    throw Fail(statement, kind, context, "RateBasedStatement can only be the top-level statement of a rule, not nested.");
                }

                return ParseRateBased(body, context, ipSets);
            default:
                throw Fail(statement, kind, context,
                    $"statement type {kind} is not emulated by LocalCloud (supported: IPSetReferenceStatement, NotStatement, AndStatement, OrStatement, RateBasedStatement, SizeConstraintStatement, ManagedRuleGroupStatement).");
        }
    }

    private static List<WafStatement> ParseStatements(
        ResourceProperties body, string kind, string context, Func<string, ResourceProperties?> ipSets)
    {
        if (!body.Has("Statements"))
        {
            throw Fail(body, "Statements", context, $"{kind}.Statements is required.");
        }

        var statements = body.ObjectList("Statements");

        // And and Or statements need at least two nested statements.
        // https://docs.aws.amazon.com/waf/latest/APIReference/API_AndStatement.html
        if (statements.Count < 2)
        {
            throw Fail(body, "Statements", context, $"{kind} needs at least two statements.");
        }

        return [.. statements.Select(nested => ParseStatement(nested, context, ipSets, topLevel: false))];
    }

    private static IpSetReferenceStatement ParseIpSetReference(
        ResourceProperties body, string context, Func<string, ResourceProperties?> ipSets)
    {
        var arn = Required(body, "Arn", $"{context} IPSetReferenceStatement");
        var ipSet = ipSets(arn)
            ?? throw Fail(body, "Arn", context, $"IPSetReferenceStatement names IP set '{arn}', which the template does not define.");
        var setName = ipSet.OptionalString("Name") ?? arn;
        var setContext = $"{context} IP set '{setName}'";

        var version = Required(ipSet, "IPAddressVersion", setContext) switch
        {
            "IPV4" => IpAddressVersion.IPv4,
            "IPV6" => IpAddressVersion.IPv6,
            var other => throw Fail(ipSet, "IPAddressVersion", setContext, $"IPAddressVersion must be IPV4 or IPV6, got '{other}'."),
        };

        if (ipSet.Json["Addresses"] is not JsonArray)
        {
            throw Fail(ipSet, "Addresses", setContext, "Addresses is required (it may be empty).");
        }

        var addresses = ipSet.StringList("Addresses")
            .Select((cidr, index) => IpAddresses.TryParseCidr(cidr, version, out var network, out var problem)
                ? network
                : throw Fail(ipSet, $"Addresses[{index}]", setContext, problem))
            .ToList();

        ForwardedIpConfig? forwarded = null;
        if (body.OptionalObject("IPSetForwardedIPConfig") is { } config)
        {
            var configContext = $"{context} IPSetForwardedIPConfig";
            var position = Required(config, "Position", configContext) switch
            {
                "FIRST" => ForwardedIpPosition.First,
                "LAST" => ForwardedIpPosition.Last,
                "ANY" => ForwardedIpPosition.Any,
                var other => throw Fail(config, "Position", context, $"IPSetForwardedIPConfig.Position must be FIRST, LAST or ANY, got '{other}'."),
            };
            forwarded = ParseForwardedIpConfig(config, position, configContext);
        }

        return new IpSetReferenceStatement(arn, version, addresses, forwarded);
    }

    private static ForwardedIpConfig ParseForwardedIpConfig(ResourceProperties config, ForwardedIpPosition position, string context)
    {
        var header = Required(config, "HeaderName", context);
        var fallbackMatches = Required(config, "FallbackBehavior", context) switch
        {
            "MATCH" => true,
            "NO_MATCH" => false,
            var other => throw Fail(config, "FallbackBehavior", context, $"FallbackBehavior must be MATCH or NO_MATCH, got '{other}'."),
        };
        return new ForwardedIpConfig(header, fallbackMatches, position);
    }

    private static SizeConstraintStatement ParseSizeConstraint(ResourceProperties body, string context)
    {
        var field = ParseFieldToMatch(body.RequiredObject("FieldToMatch"), context);
        var comparison = Required(body, "ComparisonOperator", context) switch
        {
            "EQ" => SizeComparison.Eq,
            "NE" => SizeComparison.Ne,
            "LE" => SizeComparison.Le,
            "LT" => SizeComparison.Lt,
            "GE" => SizeComparison.Ge,
            "GT" => SizeComparison.Gt,
            var other => throw Fail(body, "ComparisonOperator", context, $"unknown ComparisonOperator '{other}'."),
        };
        var size = body.OptionalLong("Size") ?? throw Fail(body, "Size", context, "Size is required.");

        // Size is 0 to 21,474,836,480 bytes. https://docs.aws.amazon.com/waf/latest/APIReference/API_SizeConstraintStatement.html
        if (size is < 0 or > 21_474_836_480)
        {
            throw Fail(body, "Size", context, $"Size {size} is outside 0 to 21474836480.");
        }

        // A transformation changes the size that is compared; only NONE is emulated, and anything else fails here
        // rather than being compared untransformed.
        if (!body.Has("TextTransformations"))
        {
            throw Fail(body, "TextTransformations", context, "TextTransformations is required.");
        }

        foreach (var transformation in body.ObjectList("TextTransformations"))
        {
            var type = transformation.OptionalString("Type");
            if (type != "NONE")
            {
                throw Fail(transformation, "Type", context,
                    $"text transformation {type ?? "(none given)"} is not emulated by LocalCloud (supported: NONE).");
            }
        }

        return new SizeConstraintStatement(field, comparison, size);
    }

    private static FieldToMatch ParseFieldToMatch(ResourceProperties fieldToMatch, string context)
    {
        var (kind, options) = Single(fieldToMatch, $"{context}: FieldToMatch");
        switch (kind)
        {
            case "SingleHeader":
                // Header names match case-insensitively. https://docs.aws.amazon.com/waf/latest/APIReference/API_SingleHeader.html
                return new FieldToMatch(WafField.SingleHeader, options is null
                    ? throw Fail(fieldToMatch, kind, context, "SingleHeader.Name is required.")
                    : Required(options, "Name", $"{context} SingleHeader"));
            case "Body":
                var oversize = (options?.OptionalString("OversizeHandling") ?? "CONTINUE") switch
                {
                    "CONTINUE" => OversizeHandling.Continue,
                    "MATCH" => OversizeHandling.Match,
                    "NO_MATCH" => OversizeHandling.NoMatch,
                    var other => throw Fail(options!, "OversizeHandling", context, $"OversizeHandling must be CONTINUE, MATCH or NO_MATCH, got '{other}'."),
                };
                return new FieldToMatch(WafField.Body, Oversize: oversize);
            case "QueryString":
                return new FieldToMatch(WafField.QueryString);
            case "UriPath":
                return new FieldToMatch(WafField.UriPath);
            case "Method":
                return new FieldToMatch(WafField.Method);
            default:
                throw Fail(fieldToMatch, kind, context,
                    $"FieldToMatch {kind} is not emulated by LocalCloud (supported: SingleHeader, Body, QueryString, UriPath, Method).");
        }
    }

    /// <summary>
    /// An AWS managed rule group LocalCloud knows rule by rule (<see cref="ManagedRuleGroups"/>), with its
    /// <c>RuleActionOverrides</c> and <c>ExcludedRules</c> (the older way to set a rule to Count).
    /// https://docs.aws.amazon.com/waf/latest/APIReference/API_ManagedRuleGroupStatement.html
    /// </summary>
    private static ManagedRuleGroupStatement ParseManagedRuleGroup(ResourceProperties body, string ruleContext, Func<string, ResourceProperties?> ipSets)
    {
        var context = $"{ruleContext} ManagedRuleGroupStatement";
        var vendor = Required(body, "VendorName", context);
        var name = Required(body, "Name", context);
        var rules = ManagedRuleGroups.Find(vendor, name)
            ?? throw Fail(body, "Name", context,
                $"rule group {vendor}/{name} is not known to LocalCloud (known: {string.Join(", ", ManagedRuleGroups.KnownGroups.Select(g => "AWS/" + g))}).");

        // Configuration that changes what a group inspects (Bot Control, ATP, ACFP) has no meaning for these groups.
        if (body.Has("ManagedRuleGroupConfigs"))
        {
            throw Fail(body, "ManagedRuleGroupConfigs", context, "ManagedRuleGroupConfigs is not emulated by LocalCloud.");
        }

        var overrides = new Dictionary<string, WafRuleAction>(StringComparer.Ordinal);
        foreach (var excluded in body.ObjectList("ExcludedRules"))
        {
            overrides[RuleOf(excluded, "ExcludedRules")] = WafRuleAction.Count;
        }

        foreach (var entry in body.ObjectList("RuleActionOverrides"))
        {
            var ruleName = RuleOf(entry, "RuleActionOverrides");
            overrides[ruleName] = ParseAction(entry, "ActionToUse", $"{context} RuleActionOverrides '{ruleName}'");
        }

        var scopeDown = body.OptionalObject("ScopeDownStatement") is { } scope
            ? ParseStatement(scope, $"{ruleContext} ScopeDownStatement", ipSets, topLevel: false)
            : null;
        return new ManagedRuleGroupStatement(vendor, name, rules, overrides, scopeDown);

        string RuleOf(ResourceProperties entry, string list) =>
            entry.OptionalString("Name") is { } ruleName && rules.Any(r => r.Name == ruleName)
                ? ruleName
                : throw Fail(entry, "Name", context, $"{list} names '{entry.OptionalString("Name")}', which is not a rule of {name}.");
    }

    private static RateBasedStatement ParseRateBased(ResourceProperties body, string context, Func<string, ResourceProperties?> ipSets)
    {
        var rateContext = $"{context} RateBasedStatement";
        var limit = body.OptionalLong("Limit") ?? throw Fail(body, "Limit", rateContext, "Limit is required.");
        if (limit is < MinRateLimit or > MaxRateLimit)
        {
            throw Fail(body, "Limit", rateContext, $"Limit {limit} is outside {MinRateLimit} to {MaxRateLimit}.");
        }

        var window = body.OptionalLong("EvaluationWindowSec") ?? 300;
        if (!EvaluationWindows.Contains((int)Math.Clamp(window, 0, int.MaxValue)))
        {
            throw Fail(body, "EvaluationWindowSec", rateContext, $"EvaluationWindowSec {window} is not one of 60, 120, 300, 600.");
        }

        var keyType = body.OptionalString("AggregateKeyType") ?? "IP";
        ForwardedIpConfig? forwarded = null;
        RateAggregateKeyType aggregate;
        switch (keyType)
        {
            case "IP":
                aggregate = RateAggregateKeyType.Ip;
                break;
            case "FORWARDED_IP":
                aggregate = RateAggregateKeyType.ForwardedIp;

                // Rate-based rules read only the first address of the header.
                // https://docs.aws.amazon.com/waf/latest/APIReference/API_ForwardedIPConfig.html
                forwarded = ParseForwardedIpConfig(
                    body.OptionalObject("ForwardedIPConfig")
                        ?? throw Fail(body, "ForwardedIPConfig", rateContext, "AggregateKeyType FORWARDED_IP needs ForwardedIPConfig."),
                    ForwardedIpPosition.First,
                    $"{rateContext} ForwardedIPConfig");
                break;
            default:
                throw Fail(body, "AggregateKeyType", rateContext,
                    $"AggregateKeyType {keyType} is not emulated by LocalCloud (supported: IP, FORWARDED_IP).");
        }

        var scopeDown = body.OptionalObject("ScopeDownStatement") is { } scope
            ? ParseStatement(scope, $"{context} ScopeDownStatement", ipSets, topLevel: false)
            : null;
        return new RateBasedStatement(limit, aggregate, (int)window, forwarded, scopeDown);
    }

    /// <summary>
    /// The single member of an object that is one of a union (a statement, an action, a field to match), and its
    /// options when they are an object. A statement tree is deeper than the property reader models, so the union is
    /// walked here, with every failure still naming the resource and the JSON path.
    /// </summary>
    private static (string Kind, ResourceProperties? Body) Single(ResourceProperties union, string context)
    {
        if (union.Json.Count != 1)
        {
            var members = string.Join(", ", union.Json.Select(p => p.Key));
            throw union.Unsupported($"{{{members}}}", $"({context}): expected exactly one of the documented members, got [{members}].");
        }

        var kind = union.Json.First().Key;
        return (kind, union.Json[kind] is JsonObject ? union.OptionalObject(kind) : null);
    }

    private static string Required(ResourceProperties at, string name, string context) =>
        at.OptionalString(name) ?? throw Fail(at, name, context, $"{name} is required.");

    /// <summary>The one error of this parser: the resource and property path, then the web ACL rule it concerns.</summary>
    private static UnsupportedTemplateException Fail(ResourceProperties at, string name, string context, string message) =>
        at.Unsupported(name, $"({context}): {message}");
}
