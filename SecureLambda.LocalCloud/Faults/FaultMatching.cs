using SecureLambda.LocalCloud.DataPlane;

namespace SecureLambda.LocalCloud.Faults;

/// <summary>
/// Which rule fires on a call: the rules are tried in order, each matching rule rolls its probability
/// (<c>roll() &lt; probability</c>, with <c>roll</c> uniform in [0, 1), so 1 always fires and 0 never), and the first
/// that fires is the call's fault. Pure, so it is tested with a fixed roll.
/// </summary>
public static class FaultMatching
{
    /// <summary>
    /// A call to the AWS endpoint. A rule with an operation never matches a call whose operation LocalCloud cannot
    /// name (a REST call, such as S3's); Lambda rules apply to invocations only (<see cref="PickForInvocation"/>).
    /// </summary>
    public static FaultRule? PickForCall(IReadOnlyList<FaultRule> rules, string service, string? operation, Func<double> roll)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(roll);
        return service == FaultRule.Lambda ? null : Pick(rules, rule => Matches(rule, service, operation), roll);
    }

    /// <summary>An invocation of <paramref name="function"/>, from anywhere: the gateway, SNS, the Invoke API.</summary>
    public static FaultRule? PickForInvocation(IReadOnlyList<FaultRule> rules, LambdaFunctionDefinition function, Func<double> roll)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(roll);
        return Pick(rules, rule => Matches(rule, function), roll);
    }

    public static bool Matches(FaultRule rule, string service, string? operation)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.Service == service && (rule.Operation is null || rule.Operation == operation);
    }

    /// <summary>A Lambda rule's function is the function's logical id, name or ARN (with or without <c>:$LATEST</c>).</summary>
    public static bool Matches(FaultRule rule, LambdaFunctionDefinition function)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(function);
        if (rule.Service != FaultRule.Lambda)
        {
            return false;
        }

        if (rule.Function is not { } name)
        {
            return true;
        }

        var key = name.EndsWith(":$LATEST", StringComparison.Ordinal) ? name[..^":$LATEST".Length] : name;
        return key == function.LogicalId || key == function.FunctionName || key == function.Arn;
    }

    private static FaultRule? Pick(IReadOnlyList<FaultRule> rules, Func<FaultRule, bool> matches, Func<double> roll)
    {
        foreach (var rule in rules)
        {
            if (matches(rule) && roll() < rule.Probability)
            {
                return rule;
            }
        }

        return null;
    }
}
