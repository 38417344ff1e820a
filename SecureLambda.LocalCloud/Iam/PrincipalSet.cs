using System.Text.Json.Nodes;

namespace SecureLambda.LocalCloud.Iam;

/// <summary>How a resource-policy statement's principals relate to a caller.</summary>
internal enum PrincipalMatch
{
    /// <summary>The statement does not apply to this caller.</summary>
    None,

    /// <summary>The caller's account is named: a Deny applies, an Allow delegates to the account's identity-based
    /// policies and grants nothing by itself. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts</summary>
    Account,

    /// <summary>The caller itself is named: its role, its session, its service, or everyone (<c>*</c>).</summary>
    Named,
}

/// <summary>
/// A Principal or NotPrincipal element: <c>"*"</c>, <c>{"AWS": ...}</c> with <c>*</c>, account ids, account root
/// ARNs, role, user or role-session ARNs, and <c>{"Service": ...}</c>. A role ARN covers every session of the role.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
/// </summary>
internal sealed class PrincipalSet
{
    private readonly HashSet<string> _accounts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _arns = new(StringComparer.Ordinal);
    private readonly HashSet<string> _services = new(StringComparer.OrdinalIgnoreCase);
    private bool _everyone;

    public PrincipalMatch Match(IamPrincipal principal)
    {
        if (_everyone)
        {
            return PrincipalMatch.Named;
        }

        return principal.Type switch
        {
            IamPrincipalType.Service when principal.ServiceName is { } service && _services.Contains(service) => PrincipalMatch.Named,
            IamPrincipalType.AssumedRole when _arns.Contains(principal.Arn) || (principal.RoleArn is { } role && _arns.Contains(role)) => PrincipalMatch.Named,
            IamPrincipalType.AssumedRole when _accounts.Contains(principal.Account) => PrincipalMatch.Account,
            _ => PrincipalMatch.None,
        };
    }

    /// <summary>
    /// Whether NotPrincipal spares this caller from a Deny. A role session is spared only when both its session ARN
    /// and its account are listed, because AWS checks the session and the account it belongs to; listing the role
    /// alone does not spare its sessions. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
    /// </summary>
    public bool Excludes(IamPrincipal principal) =>
        _everyone || principal.Type switch
        {
            IamPrincipalType.Service => principal.ServiceName is { } service && _services.Contains(service),
            _ => _arns.Contains(principal.Arn) && _accounts.Contains(principal.Account),
        };

    public static PrincipalSet Parse(JsonNode? node, string element, PolicyContext where)
    {
        var set = new PrincipalSet();
        if (node is JsonValue && where.String(node, element) == "*")
        {
            set._everyone = true;
            return set;
        }

        if (node is not JsonObject principals || principals.Count == 0)
        {
            throw where.Fail(element, "must be \"*\" or an object of principal types (AWS, Service).");
        }

        foreach (var (principalType, values) in principals)
        {
            var label = $"{element} {principalType}";
            switch (principalType)
            {
                case "AWS":
                    foreach (var value in where.Strings(values, label))
                    {
                        set.AddAws(value, label, where);
                    }

                    break;
                case "Service":
                    foreach (var value in where.Strings(values, label))
                    {
                        if (value.AsSpan().IndexOfAny('*', '?') >= 0 || !value.Contains('.', StringComparison.Ordinal))
                        {
                            throw where.Fail(label, $"'{value}' is not a service principal such as sns.amazonaws.com.");
                        }

                        set._services.Add(value);
                    }

                    break;
                default:
                    throw where.Fail(label, "only AWS and Service principals are evaluated by LocalCloud.");
            }
        }

        return set;
    }

    private void AddAws(string value, string label, PolicyContext where)
    {
        if (value == "*")
        {
            // "Principal": {"AWS": "*"} is every principal, as "Principal": "*" is.
            // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
            _everyone = true;
            return;
        }

        if (value.AsSpan().IndexOfAny('*', '?') >= 0)
        {
            // "You cannot use a wildcard to match part of a principal name or ARN."
            throw where.Fail(label, $"'{value}': a principal ARN cannot hold wildcards; use a condition on aws:PrincipalArn.");
        }

        if (IamPrincipal.IsAccountId(value))
        {
            _accounts.Add(value);
            return;
        }

        var parts = value.Split(':', 6);
        if (parts.Length == 6 && parts[0] == "arn" && parts[3].Length == 0 && IamPrincipal.IsAccountId(parts[4]))
        {
            switch (parts[2], parts[5])
            {
                case ("iam", "root"):
                    _accounts.Add(parts[4]);
                    return;
                case ("iam", var path) when path.StartsWith("role/", StringComparison.Ordinal) || path.StartsWith("user/", StringComparison.Ordinal):
                case ("sts", var session) when session.StartsWith("assumed-role/", StringComparison.Ordinal):
                    _arns.Add(value);
                    return;
            }
        }

        throw where.Fail(label, $"'{value}' is not an account, account root, role, user or role-session ARN.");
    }
}
