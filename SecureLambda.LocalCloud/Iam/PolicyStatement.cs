using System.Text.Json.Nodes;

namespace SecureLambda.LocalCloud.Iam;

/// <summary>
/// One compiled statement: effect, the principals it names (resource-based policies only), actions, resources and
/// conditions. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
/// </summary>
public sealed class PolicyStatement
{
    private static readonly HashSet<string> Elements = new(StringComparer.Ordinal)
    {
        "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition",
    };

    private readonly WildcardPattern[] _actions;
    private readonly bool _notAction;
    private readonly WildcardPattern[] _resources;
    private readonly bool _notResource;
    private readonly PrincipalSet? _principals;
    private readonly bool _notPrincipal;
    private readonly ConditionBlock _condition;

    private PolicyStatement(string? sid, PolicyEffect effect, WildcardPattern[] actions, bool notAction, WildcardPattern[] resources,
        bool notResource, PrincipalSet? principals, bool notPrincipal, ConditionBlock condition)
    {
        Sid = sid;
        Effect = effect;
        _actions = actions;
        _notAction = notAction;
        _resources = resources;
        _notResource = notResource;
        _principals = principals;
        _notPrincipal = notPrincipal;
        _condition = condition;
    }

    public string? Sid { get; }

    public PolicyEffect Effect { get; }

    /// <summary>
    /// Whether the request's action, resource and conditions fall under this statement; the principal is not checked
    /// (see <see cref="MatchPrincipal"/>). Action names are case-insensitive, resource ARNs case-sensitive.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
    /// </summary>
    internal bool Covers(IamRequest request) =>
        AnyMatches(_actions, request.Action) != _notAction
        && AnyMatches(_resources, request.Resource) != _notResource
        && _condition.Holds(request.Context);

    /// <summary>How this resource-policy statement's Principal (or NotPrincipal) relates to the caller.</summary>
    internal PrincipalMatch MatchPrincipal(IamPrincipal principal)
    {
        if (_principals is null)
        {
            return PrincipalMatch.None;
        }

        if (_notPrincipal)
        {
            return _principals.Excludes(principal) ? PrincipalMatch.None : PrincipalMatch.Named;
        }

        return _principals.Match(principal);
    }

    internal static PolicyStatement Parse(JsonNode? node, int index, string policyName, PolicyType type, bool variablesAreLiteral)
    {
        var sid = (node as JsonObject)?["Sid"] is JsonValue sidValue && sidValue.TryGetValue<string>(out var s) ? s : null;
        var where = new PolicyContext(policyName, sid is null ? $"Statement[{index}]" : $"Statement[{index}] (Sid {sid})", variablesAreLiteral);
        if (node is not JsonObject statement)
        {
            throw where.Fail("statement", "must be an object.");
        }

        foreach (var (element, _) in statement)
        {
            if (!Elements.Contains(element))
            {
                throw where.Fail($"element {element}", "unknown statement element.");
            }
        }

        if (statement.ContainsKey("Sid"))
        {
            where.String(statement["Sid"], "Sid");
        }

        var effect = where.String(statement["Effect"], "Effect") switch
        {
            "Allow" => PolicyEffect.Allow,
            "Deny" => PolicyEffect.Deny,
            var other => throw where.Fail("Effect", $"'{other}' is neither Allow nor Deny."),
        };

        var (actionElement, notAction) = OneOf(statement, "Action", "NotAction", where);
        var actions = where.Strings(statement[actionElement], actionElement).Select(a => ActionPattern(a, actionElement, where)).ToArray();

        var (resourceElement, notResource) = OneOf(statement, "Resource", "NotResource", where);
        var resourceTexts = where.Strings(statement[resourceElement], resourceElement);
        foreach (var resource in resourceTexts)
        {
            where.RefusePolicyVariable(resource, resourceElement);
        }

        var resources = resourceTexts.Select(r => new WildcardPattern(r, ignoreCase: false)).ToArray();

        PrincipalSet? principals = null;
        var notPrincipal = statement.ContainsKey("NotPrincipal");
        if (type == PolicyType.IdentityBased)
        {
            // "You cannot use the Principal element in an identity-based policy."
            // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
            if (statement.ContainsKey("Principal") || notPrincipal)
            {
                throw where.Fail(notPrincipal ? "NotPrincipal" : "Principal", "an identity-based policy names no principal; the principal is the identity it is attached to.");
            }
        }
        else
        {
            var (principalElement, isNot) = OneOf(statement, "Principal", "NotPrincipal", where);
            if (isNot && effect == PolicyEffect.Allow)
            {
                // "NotPrincipal must be used with "Effect":"Deny". Using it with "Effect":"Allow" is not supported."
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
                throw where.Fail("NotPrincipal", "NotPrincipal is supported only with Effect Deny.");
            }

            principals = PrincipalSet.Parse(statement[principalElement], principalElement, where);
        }

        var condition = statement["Condition"] is { } conditionNode ? ConditionParser.Parse(conditionNode, where) : ConditionBlock.Empty;
        return new PolicyStatement(sid, effect, actions, notAction, resources, notResource, principals, notPrincipal, condition);
    }

    private static (string Element, bool IsNot) OneOf(JsonObject statement, string element, string notElement, PolicyContext where)
    {
        var has = statement.ContainsKey(element);
        var hasNot = statement.ContainsKey(notElement);
        return (has, hasNot) switch
        {
            (true, false) => (element, false),
            (false, true) => (notElement, true),
            (true, true) => throw where.Fail(element, $"a statement has {element} or {notElement}, not both."),
            _ => throw where.Fail(element, $"a statement needs {element} or {notElement}."),
        };
    }

    /// <summary>An action is <c>*</c> or <c>service:Action</c>, whose name may hold wildcards; matching ignores case.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html</summary>
    private static WildcardPattern ActionPattern(string action, string element, PolicyContext where)
    {
        if (action != "*" && (action.IndexOf(':', StringComparison.Ordinal) is var colon && (colon <= 0 || colon == action.Length - 1)))
        {
            throw where.Fail(element, $"'{action}' is not an action (service:Action or *).");
        }

        return new WildcardPattern(action, ignoreCase: true);
    }

    private static bool AnyMatches(WildcardPattern[] patterns, string value)
    {
        foreach (var pattern in patterns)
        {
            if (pattern.Matches(value))
            {
                return true;
            }
        }

        return false;
    }
}
