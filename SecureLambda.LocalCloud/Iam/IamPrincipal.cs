namespace SecureLambda.LocalCloud.Iam;

/// <summary>The kinds of caller LocalCloud authorizes: Lambda execution-role sessions and AWS service principals.</summary>
public enum IamPrincipalType
{
    AssumedRole,
    Service,
}

/// <summary>
/// Who calls. An assumed-role session's ARN is <c>arn:aws:sts::{account}:assumed-role/{roleName}/{sessionName}</c>;
/// <see cref="RoleArn"/> is the IAM role it is a session of, which is what resource policies name and what
/// <c>aws:PrincipalArn</c> holds. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-role-session
/// </summary>
public sealed record IamPrincipal(string Arn, string Account, IamPrincipalType Type, string? RoleArn = null, string? ServiceName = null)
{
    /// <summary>
    /// The session of <paramref name="roleArn"/> (<c>arn:{partition}:iam::{account}:role[/path/]{name}</c>) named
    /// <paramref name="sessionName"/>. The session ARN carries the role name but not its path.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
    /// </summary>
    public static IamPrincipal AssumedRole(string roleArn, string sessionName)
    {
        ArgumentException.ThrowIfNullOrEmpty(roleArn);
        ArgumentException.ThrowIfNullOrEmpty(sessionName);

        var parts = roleArn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "iam" || parts[3].Length != 0
            || !IsAccountId(parts[4]) || !parts[5].StartsWith("role/", StringComparison.Ordinal) || parts[5].EndsWith('/'))
        {
            throw new ArgumentException($"'{roleArn}' is not an IAM role ARN (arn:aws:iam::{{account}}:role[/path/]{{name}}).", nameof(roleArn));
        }

        var roleName = parts[5][(parts[5].LastIndexOf('/') + 1)..];
        var sessionArn = $"arn:{parts[1]}:sts::{parts[4]}:assumed-role/{roleName}/{sessionName}";
        return new IamPrincipal(sessionArn, parts[4], IamPrincipalType.AssumedRole, RoleArn: roleArn);
    }

    /// <summary>An AWS service principal such as <c>sns.amazonaws.com</c>, acting for a resource of <paramref name="account"/>.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services</summary>
    public static IamPrincipal Service(string serviceName, string account)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        ArgumentException.ThrowIfNullOrEmpty(account);
        return new IamPrincipal(serviceName, account, IamPrincipalType.Service, ServiceName: serviceName);
    }

    internal static bool IsAccountId(string text) => text.Length == 12 && text.All(char.IsAsciiDigit);
}
