namespace SecureLambda.LocalCloud.Iam;

/// <summary>
/// A policy LocalCloud cannot evaluate exactly as AWS would: an unknown element or condition operator, a policy
/// variable, a malformed value. Thrown while parsing, so it fails at start-up naming the policy and the element; a
/// statement skipped or guessed at could allow what AWS denies.
/// </summary>
public sealed class PolicyNotEvaluableException : Exception
{
    public PolicyNotEvaluableException(string policyName, string element, string reason)
        : base($"Policy '{policyName}' cannot be evaluated: {element}: {reason}")
    {
        PolicyName = policyName;
        Element = element;
        Reason = reason;
    }

    /// <summary>The name the policy was parsed under (for example the role's inline policy name or the resource's logical id).</summary>
    public string PolicyName { get; }

    /// <summary>Where in the policy: the statement and element, such as <c>Statement[1] (Sid Deny) Condition operator ForAllValues:Foo</c>.</summary>
    public string Element { get; }

    /// <summary>Why it cannot be evaluated.</summary>
    public string Reason { get; }
}
