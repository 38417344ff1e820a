namespace SecureLambda.LocalCloud.Iam;

public enum IamDecisionKind
{
    Allow,
    ImplicitDeny,
    ExplicitDeny,
}

/// <summary>
/// The outcome, with AWS's access-denied tail as <see cref="Reason"/> and the statement that decided it, if any.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
/// </summary>
public sealed record IamDecision(IamDecisionKind Kind, string Reason, string? PolicyName = null, string? StatementSid = null)
{
    public bool IsAllowed => Kind == IamDecisionKind.Allow;
}

/// <summary>
/// AWS's evaluation of identity-based and resource-based policies (no SCPs, RCPs, permissions boundaries or session
/// policies: LocalCloud's stacks have none). https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
/// </summary>
public static class PolicyEvaluator
{
    private const string IdentityBased = "identity-based";
    private const string ResourceBased = "resource-based";

    /// <summary>
    /// <list type="number">
    /// <item>Any applicable Deny, in any policy, is an explicit deny; it overrides every Allow.</item>
    /// <item>In the principal's own account, one Allow suffices: from an identity-based policy, or from a resource-based
    /// policy that names the caller (its role, its session, its service, or <c>*</c>). A resource policy that names
    /// only the account delegates to the identity-based policies.</item>
    /// <item>Across accounts (the resource ARN's account is not the principal's), both an identity-based and a
    /// resource-based Allow are needed; there naming the caller's account suffices.</item>
    /// <item>Otherwise the request is implicitly denied.</item>
    /// </list>
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
    /// </summary>
    public static IamDecision Evaluate(IamRequest request, IReadOnlyList<PolicyDocument> identityPolicies, IReadOnlyList<PolicyDocument> resourcePolicies)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(identityPolicies);
        ArgumentNullException.ThrowIfNull(resourcePolicies);

        (PolicyDocument Policy, PolicyStatement Statement)? identityAllow = null, resourceAllow = null, accountAllow = null;

        foreach (var policy in identityPolicies)
        {
            RequireType(policy, PolicyType.IdentityBased, nameof(identityPolicies));
            foreach (var statement in policy.Statements)
            {
                if (!statement.Covers(request))
                {
                    continue;
                }

                if (statement.Effect == PolicyEffect.Deny)
                {
                    return Denied(IdentityBased, policy, statement);
                }

                identityAllow ??= (policy, statement);
            }
        }

        foreach (var policy in resourcePolicies)
        {
            RequireType(policy, PolicyType.ResourceBased, nameof(resourcePolicies));
            foreach (var statement in policy.Statements)
            {
                var principal = statement.MatchPrincipal(request.Principal);
                if (principal == PrincipalMatch.None || !statement.Covers(request))
                {
                    continue;
                }

                if (statement.Effect == PolicyEffect.Deny)
                {
                    return Denied(ResourceBased, policy, statement);
                }

                if (principal == PrincipalMatch.Named)
                {
                    resourceAllow ??= (policy, statement);
                }
                else
                {
                    accountAllow ??= (policy, statement);
                }
            }
        }

        if (IsCrossAccount(request))
        {
            if (identityAllow is null)
            {
                return ImplicitDeny(IdentityBased, request.Action);
            }

            return (resourceAllow ?? accountAllow) is { } grant
                ? Allowed(grant)
                : ImplicitDeny(ResourceBased, request.Action);
        }

        return (resourceAllow ?? identityAllow) is { } allow ? Allowed(allow) : ImplicitDeny(IdentityBased, request.Action);
    }

    /// <summary>A role session whose resource lives in another account (the ARN's fifth field). Service principals act
    /// for resources of the resource's own account, and ARNs without an account (S3 buckets) are taken as the caller's.</summary>
    private static bool IsCrossAccount(IamRequest request)
    {
        if (request.Principal.Type != IamPrincipalType.AssumedRole)
        {
            return false;
        }

        var parts = request.Resource.Split(':', 6);
        return parts.Length == 6 && parts[4].Length > 0 && parts[4] != request.Principal.Account;
    }

    private static void RequireType(PolicyDocument policy, PolicyType expected, string parameter)
    {
        if (policy.Type != expected)
        {
            throw new ArgumentException($"Policy '{policy.Name}' was parsed as {policy.Type}, not {expected}.", parameter);
        }
    }

    private static IamDecision Denied(string policyType, PolicyDocument policy, PolicyStatement statement) =>
        new(IamDecisionKind.ExplicitDeny, $"with an explicit deny in {Article(policyType)} {policyType} policy", policy.Name, statement.Sid);

    private static IamDecision ImplicitDeny(string policyType, string action) =>
        new(IamDecisionKind.ImplicitDeny, $"because no {policyType} policy allows the {action} action");

    private static IamDecision Allowed((PolicyDocument Policy, PolicyStatement Statement) grant) =>
        new(IamDecisionKind.Allow, $"allowed by {(grant.Policy.Type == PolicyType.IdentityBased ? IdentityBased : ResourceBased)} policy", grant.Policy.Name, grant.Statement.Sid);

    private static string Article(string policyType) => policyType == IdentityBased ? "an" : "a";
}

/// <summary>
/// AWS's access-denied text: <c>User: {principal} is not authorized to perform: {action} on resource: {resource}</c>
/// followed by the decision's reason. https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
/// </summary>
public static class AccessDeniedMessage
{
    public static string For(IamRequest request, IamDecision decision)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.IsAllowed)
        {
            throw new ArgumentException("An allowed request has no access-denied message.", nameof(decision));
        }

        return $"User: {request.Principal.Arn} is not authorized to perform: {request.Action} on resource: {request.Resource} {decision.Reason}";
    }
}
