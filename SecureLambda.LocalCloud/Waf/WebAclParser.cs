using System.Text.Json.Nodes;

namespace SecureLambda.LocalCloud.Waf;

/// <summary>
/// Reads <c>AWS::WAFv2::WebACL</c> properties. Everything LocalCloud cannot evaluate exactly as AWS would fails here,
/// at startup, naming the rule: a silently skipped rule would let through what AWS blocks.
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

    public static WebAcl Parse(JsonObject properties, Func<string, JsonObject?> ipSetPropertiesByArn)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(ipSetPropertiesByArn);

        var name = WafJson.GetString(properties, "Name") ?? "WebACL";
        var context = $"WebACL '{name}'";
        var defaultAction = ParseDefaultAction(WafJson.RequireObject(properties, "DefaultAction", context), context);
        var metricName = WafJson.GetObject(properties, "VisibilityConfig", context) is { } visibility
            ? WafJson.GetString(visibility, "MetricName")
            : null;

        var rules = new List<WafRule>();
        foreach (var node in WafJson.GetArray(properties, "Rules", context) ?? [])
        {
            if (node is not JsonObject rule)
            {
                throw new WafConfigurationException($"{context}: every entry of Rules must be an object.");
            }

            rules.Add(ParseRule(rule, context, ipSetPropertiesByArn));
        }

        // Rule names and priorities must be unique within a web ACL.
        // https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-processing-order.html
        if (rules.GroupBy(r => r.Priority).FirstOrDefault(g => g.Count() > 1) is { } samePriority)
        {
            throw new WafConfigurationException(
                $"{context}: rules [{string.Join(", ", samePriority.Select(r => r.Name))}] share priority {samePriority.Key}; priorities must be unique.");
        }

        if (rules.GroupBy(r => r.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } sameName)
        {
            throw new WafConfigurationException($"{context}: more than one rule is named '{sameName.Key}'.");
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
    private static int ParseBodyInspectionLimit(JsonObject properties, string context)
    {
        var requestBody = WafJson.GetObject(properties, "AssociationConfig", context) is { } association
            ? WafJson.GetObject(association, "RequestBody", $"{context} AssociationConfig")
            : null;
        if (requestBody is null || WafJson.GetObject(requestBody, "API_GATEWAY", $"{context} AssociationConfig.RequestBody") is not { } apiGateway)
        {
            return WebAcl.DefaultBodyInspectionLimit;
        }

        return WafJson.RequireString(apiGateway, "DefaultSizeInspectionLimit", $"{context} AssociationConfig.RequestBody.API_GATEWAY") switch
        {
            "KB_16" => 16 * 1024,
            "KB_32" => 32 * 1024,
            "KB_48" => 48 * 1024,
            "KB_64" => 64 * 1024,
            var other => throw new WafConfigurationException(
                $"{context}: DefaultSizeInspectionLimit must be KB_16, KB_32, KB_48 or KB_64, got '{other}'."),
        };
    }

    private static WafAction ParseDefaultAction(JsonObject action, string context) =>
        ParseAction(action, $"{context} DefaultAction") switch
        {
            WafRuleAction.Allow => WafAction.Allow,
            WafRuleAction.Block => WafAction.Block,
            _ => throw new WafConfigurationException($"{context}: DefaultAction must be Allow or Block."),
        };

    private static WafRule ParseRule(JsonObject rule, string aclContext, Func<string, JsonObject?> ipSets)
    {
        var name = WafJson.RequireString(rule, "Name", $"{aclContext}: a rule");
        var context = $"{aclContext} rule '{name}'";
        var priority = WafJson.GetInt64(rule, "Priority", context)
            ?? throw new WafConfigurationException($"{context}: Priority is required.");
        if (priority is < 0 or > int.MaxValue)
        {
            throw new WafConfigurationException($"{context}: Priority must be a non-negative integer.");
        }

        var statement = ParseStatement(WafJson.RequireObject(rule, "Statement", context), context, ipSets, topLevel: true);
        var action = ParseRuleAction(rule, statement is ManagedRuleGroupStatement, context);
        var metricName = WafJson.GetObject(rule, "VisibilityConfig", context) is { } visibility
            ? WafJson.GetString(visibility, "MetricName")
            : null;
        return new WafRule(name, (int)priority, action, statement, metricName);
    }

    /// <summary>
    /// A rule group rule has an <c>OverrideAction</c> (None keeps the group's rule actions, Count makes them count)
    /// and no <c>Action</c>; every other rule the reverse.
    /// https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-group-override-options.html
    /// </summary>
    private static WafRuleAction ParseRuleAction(JsonObject rule, bool isRuleGroup, string context)
    {
        var action = WafJson.GetObject(rule, "Action", context);
        var overrideAction = WafJson.GetObject(rule, "OverrideAction", context);
        if (!isRuleGroup)
        {
            return action is not null
                ? ParseAction(action, context)
                : throw new WafConfigurationException(overrideAction is not null
                    ? $"{context}: OverrideAction applies only to rule group statements; this rule needs an Action."
                    : $"{context}: Action is required.");
        }

        if (action is not null || overrideAction is null)
        {
            throw new WafConfigurationException($"{context}: a rule group rule takes OverrideAction (None or Count), not Action.");
        }

        var (kind, _) = WafJson.Single(overrideAction, $"{context}: OverrideAction");
        return kind switch
        {
            "None" => WafRuleAction.Block,
            "Count" => WafRuleAction.Count,
            _ => throw new WafConfigurationException($"{context}: OverrideAction must be None or Count, got '{kind}'."),
        };
    }

    private static WafRuleAction ParseAction(JsonObject action, string context)
    {
        var (kind, body) = WafJson.Single(action, $"{context}: Action");

        // Custom responses and request headers change what the client or the integration sees; we would have to
        // emulate them to be faithful, so refuse instead of ignoring them.
        // https://docs.aws.amazon.com/waf/latest/developerguide/waf-custom-request-response.html
        if (body is JsonObject options && options.Count > 0)
        {
            throw new WafConfigurationException(
                $"{context}: {kind} with [{string.Join(", ", options.Select(p => p.Key))}] (custom request or response handling) is not emulated by LocalCloud.");
        }

        return kind switch
        {
            "Allow" => WafRuleAction.Allow,
            "Block" => WafRuleAction.Block,
            "Count" => WafRuleAction.Count,

            // Both depend on the browser solving a puzzle or a silent challenge and on the aws-waf-token cookie.
            // https://docs.aws.amazon.com/waf/latest/developerguide/waf-captcha-and-challenge.html
            "Captcha" or "Challenge" => throw new WafConfigurationException(
                $"{context}: action {kind} is not emulated by LocalCloud (it needs the AWS WAF token and a client-side puzzle); use Allow, Block or Count."),
            _ => throw new WafConfigurationException($"{context}: unknown action '{kind}'."),
        };
    }

    private static WafStatement ParseStatement(
        JsonObject statement, string context, Func<string, JsonObject?> ipSets, bool topLevel)
    {
        var (kind, node) = WafJson.Single(statement, $"{context}: Statement");
        if (node is not JsonObject body)
        {
            throw new WafConfigurationException($"{context}: {kind} must be an object.");
        }

        switch (kind)
        {
            case "IPSetReferenceStatement":
                return ParseIpSetReference(body, context, ipSets);
            case "NotStatement":
                return new NotStatement(
                    ParseStatement(WafJson.RequireObject(body, "Statement", $"{context} NotStatement"), context, ipSets, topLevel: false));
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
                    throw new WafConfigurationException(
                        $"{context}: ManagedRuleGroupStatement can only be the top-level statement of a rule, not nested.");
                }

                return ParseManagedRuleGroup(body, context, ipSets);
            case "RateBasedStatement":
                // AWS accepts a rate-based statement only as the top-level statement of a rule.
                // https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
                if (!topLevel)
                {
                    throw new WafConfigurationException(
                        $"{context}: RateBasedStatement can only be the top-level statement of a rule, not nested.");
                }

                return ParseRateBased(body, context, ipSets);
            default:
                throw new WafConfigurationException(
                    $"{context}: statement type {kind} is not emulated by LocalCloud (supported: IPSetReferenceStatement, NotStatement, AndStatement, OrStatement, RateBasedStatement, SizeConstraintStatement, ManagedRuleGroupStatement).");
        }
    }

    private static List<WafStatement> ParseStatements(
        JsonObject body, string kind, string context, Func<string, JsonObject?> ipSets)
    {
        var statements = WafJson.GetArray(body, "Statements", $"{context} {kind}")
            ?? throw new WafConfigurationException($"{context}: {kind}.Statements is required.");

        // And and Or statements need at least two nested statements.
        // https://docs.aws.amazon.com/waf/latest/APIReference/API_AndStatement.html
        if (statements.Count < 2)
        {
            throw new WafConfigurationException($"{context}: {kind} needs at least two statements.");
        }

        return [.. statements.Select(s => s is JsonObject nested
            ? ParseStatement(nested, context, ipSets, topLevel: false)
            : throw new WafConfigurationException($"{context}: every entry of {kind}.Statements must be an object."))];
    }

    private static IpSetReferenceStatement ParseIpSetReference(
        JsonObject body, string context, Func<string, JsonObject?> ipSets)
    {
        var arn = WafJson.RequireString(body, "Arn", $"{context} IPSetReferenceStatement");
        var ipSet = ipSets(arn)
            ?? throw new WafConfigurationException($"{context}: IPSetReferenceStatement names IP set '{arn}', which the template does not define.");
        var setName = WafJson.GetString(ipSet, "Name") ?? arn;
        var setContext = $"{context} IP set '{setName}'";

        var version = WafJson.RequireString(ipSet, "IPAddressVersion", setContext) switch
        {
            "IPV4" => IpAddressVersion.IPv4,
            "IPV6" => IpAddressVersion.IPv6,
            var other => throw new WafConfigurationException($"{setContext}: IPAddressVersion must be IPV4 or IPV6, got '{other}'."),
        };

        var addressNodes = WafJson.GetArray(ipSet, "Addresses", setContext)
            ?? throw new WafConfigurationException($"{setContext}: Addresses is required (it may be empty).");
        var addresses = addressNodes
            .Select(a => a is JsonValue v && v.TryGetValue<string>(out var cidr)
                ? IpAddresses.ParseCidr(cidr, version, setContext)
                : throw new WafConfigurationException($"{setContext}: every entry of Addresses must be a string."))
            .ToList();

        ForwardedIpConfig? forwarded = null;
        if (WafJson.GetObject(body, "IPSetForwardedIPConfig", context) is { } config)
        {
            var position = WafJson.RequireString(config, "Position", $"{context} IPSetForwardedIPConfig") switch
            {
                "FIRST" => ForwardedIpPosition.First,
                "LAST" => ForwardedIpPosition.Last,
                "ANY" => ForwardedIpPosition.Any,
                var other => throw new WafConfigurationException($"{context}: IPSetForwardedIPConfig.Position must be FIRST, LAST or ANY, got '{other}'."),
            };
            forwarded = ParseForwardedIpConfig(config, position, $"{context} IPSetForwardedIPConfig");
        }

        return new IpSetReferenceStatement(arn, version, addresses, forwarded);
    }

    private static ForwardedIpConfig ParseForwardedIpConfig(JsonObject config, ForwardedIpPosition position, string context)
    {
        var header = WafJson.RequireString(config, "HeaderName", context);
        var fallbackMatches = WafJson.RequireString(config, "FallbackBehavior", context) switch
        {
            "MATCH" => true,
            "NO_MATCH" => false,
            var other => throw new WafConfigurationException($"{context}: FallbackBehavior must be MATCH or NO_MATCH, got '{other}'."),
        };
        return new ForwardedIpConfig(header, fallbackMatches, position);
    }

    private static SizeConstraintStatement ParseSizeConstraint(JsonObject body, string context)
    {
        var field = ParseFieldToMatch(WafJson.RequireObject(body, "FieldToMatch", context), context);
        var comparison = WafJson.RequireString(body, "ComparisonOperator", context) switch
        {
            "EQ" => SizeComparison.Eq,
            "NE" => SizeComparison.Ne,
            "LE" => SizeComparison.Le,
            "LT" => SizeComparison.Lt,
            "GE" => SizeComparison.Ge,
            "GT" => SizeComparison.Gt,
            var other => throw new WafConfigurationException($"{context}: unknown ComparisonOperator '{other}'."),
        };
        var size = WafJson.GetInt64(body, "Size", context) ?? throw new WafConfigurationException($"{context}: Size is required.");

        // Size is 0 to 21,474,836,480 bytes. https://docs.aws.amazon.com/waf/latest/APIReference/API_SizeConstraintStatement.html
        if (size is < 0 or > 21_474_836_480)
        {
            throw new WafConfigurationException($"{context}: Size {size} is outside 0 to 21474836480.");
        }

        // A transformation changes the size that is compared; only NONE is emulated, and anything else fails here
        // rather than being compared untransformed.
        var transformations = WafJson.GetArray(body, "TextTransformations", context)
            ?? throw new WafConfigurationException($"{context}: TextTransformations is required.");
        foreach (var transformation in transformations)
        {
            var type = transformation is JsonObject t ? WafJson.GetString(t, "Type") : null;
            if (type != "NONE")
            {
                throw new WafConfigurationException(
                    $"{context}: text transformation {type ?? "(none given)"} is not emulated by LocalCloud (supported: NONE).");
            }
        }

        return new SizeConstraintStatement(field, comparison, size);
    }

    private static FieldToMatch ParseFieldToMatch(JsonObject fieldToMatch, string context)
    {
        var (kind, node) = WafJson.Single(fieldToMatch, $"{context}: FieldToMatch");
        var options = node as JsonObject ?? [];
        switch (kind)
        {
            case "SingleHeader":
                // Header names match case-insensitively. https://docs.aws.amazon.com/waf/latest/APIReference/API_SingleHeader.html
                return new FieldToMatch(WafField.SingleHeader, WafJson.RequireString(options, "Name", $"{context} SingleHeader"));
            case "Body":
                var oversize = (WafJson.GetString(options, "OversizeHandling") ?? "CONTINUE") switch
                {
                    "CONTINUE" => OversizeHandling.Continue,
                    "MATCH" => OversizeHandling.Match,
                    "NO_MATCH" => OversizeHandling.NoMatch,
                    var other => throw new WafConfigurationException($"{context}: OversizeHandling must be CONTINUE, MATCH or NO_MATCH, got '{other}'."),
                };
                return new FieldToMatch(WafField.Body, Oversize: oversize);
            case "QueryString":
                return new FieldToMatch(WafField.QueryString);
            case "UriPath":
                return new FieldToMatch(WafField.UriPath);
            case "Method":
                return new FieldToMatch(WafField.Method);
            default:
                throw new WafConfigurationException(
                    $"{context}: FieldToMatch {kind} is not emulated by LocalCloud (supported: SingleHeader, Body, QueryString, UriPath, Method).");
        }
    }

    /// <summary>
    /// An AWS managed rule group LocalCloud knows rule by rule (<see cref="ManagedRuleGroups"/>), with its
    /// <c>RuleActionOverrides</c> and <c>ExcludedRules</c> (the older way to set a rule to Count).
    /// https://docs.aws.amazon.com/waf/latest/APIReference/API_ManagedRuleGroupStatement.html
    /// </summary>
    private static ManagedRuleGroupStatement ParseManagedRuleGroup(JsonObject body, string ruleContext, Func<string, JsonObject?> ipSets)
    {
        var context = $"{ruleContext} ManagedRuleGroupStatement";
        var vendor = WafJson.RequireString(body, "VendorName", context);
        var name = WafJson.RequireString(body, "Name", context);
        var rules = ManagedRuleGroups.Find(vendor, name)
            ?? throw new WafConfigurationException(
                $"{context}: rule group {vendor}/{name} is not known to LocalCloud (known: {string.Join(", ", ManagedRuleGroups.KnownGroups.Select(g => "AWS/" + g))}).");

        // Configuration that changes what a group inspects (Bot Control, ATP, ACFP) has no meaning for these groups.
        if (body.ContainsKey("ManagedRuleGroupConfigs"))
        {
            throw new WafConfigurationException($"{context}: ManagedRuleGroupConfigs is not emulated by LocalCloud.");
        }

        var overrides = new Dictionary<string, WafRuleAction>(StringComparer.Ordinal);
        foreach (var node in WafJson.GetArray(body, "ExcludedRules", context) ?? [])
        {
            var excluded = RuleOf(node is JsonObject o ? WafJson.GetString(o, "Name") : null, "ExcludedRules");
            overrides[excluded] = WafRuleAction.Count;
        }

        foreach (var node in WafJson.GetArray(body, "RuleActionOverrides", context) ?? [])
        {
            var entry = node as JsonObject ?? throw new WafConfigurationException($"{context}: every entry of RuleActionOverrides must be an object.");
            var ruleName = RuleOf(WafJson.GetString(entry, "Name"), "RuleActionOverrides");
            overrides[ruleName] = ParseAction(WafJson.RequireObject(entry, "ActionToUse", $"{context} RuleActionOverrides '{ruleName}'"), $"{context} RuleActionOverrides '{ruleName}'");
        }

        var scopeDown = WafJson.GetObject(body, "ScopeDownStatement", context) is { } scope
            ? ParseStatement(scope, $"{ruleContext} ScopeDownStatement", ipSets, topLevel: false)
            : null;
        return new ManagedRuleGroupStatement(vendor, name, rules, overrides, scopeDown);

        string RuleOf(string? ruleName, string list) =>
            ruleName is not null && rules.Any(r => r.Name == ruleName)
                ? ruleName
                : throw new WafConfigurationException($"{context}: {list} names '{ruleName}', which is not a rule of {name}.");
    }

    private static RateBasedStatement ParseRateBased(JsonObject body, string context, Func<string, JsonObject?> ipSets)
    {
        var rateContext = $"{context} RateBasedStatement";
        var limit = WafJson.GetInt64(body, "Limit", rateContext)
            ?? throw new WafConfigurationException($"{rateContext}: Limit is required.");
        if (limit is < MinRateLimit or > MaxRateLimit)
        {
            throw new WafConfigurationException($"{rateContext}: Limit {limit} is outside {MinRateLimit} to {MaxRateLimit}.");
        }

        var window = WafJson.GetInt64(body, "EvaluationWindowSec", rateContext) ?? 300;
        if (!EvaluationWindows.Contains((int)Math.Clamp(window, 0, int.MaxValue)))
        {
            throw new WafConfigurationException($"{rateContext}: EvaluationWindowSec {window} is not one of 60, 120, 300, 600.");
        }

        var keyType = WafJson.GetString(body, "AggregateKeyType") ?? "IP";
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
                    WafJson.GetObject(body, "ForwardedIPConfig", rateContext)
                        ?? throw new WafConfigurationException($"{rateContext}: AggregateKeyType FORWARDED_IP needs ForwardedIPConfig."),
                    ForwardedIpPosition.First,
                    $"{rateContext} ForwardedIPConfig");
                break;
            default:
                throw new WafConfigurationException(
                    $"{rateContext}: AggregateKeyType {keyType} is not emulated by LocalCloud (supported: IP, FORWARDED_IP).");
        }

        var scopeDown = WafJson.GetObject(body, "ScopeDownStatement", rateContext) is { } scope
            ? ParseStatement(scope, $"{context} ScopeDownStatement", ipSets, topLevel: false)
            : null;
        return new RateBasedStatement(limit, aggregate, (int)window, forwarded, scopeDown);
    }
}
