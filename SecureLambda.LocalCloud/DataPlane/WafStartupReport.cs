using SecureLambda.LocalCloud.ApiGateway;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.DataPlane;

/// <summary>
/// The start-up lines that say what of the template's WAF LocalCloud does not evaluate: each managed rule it cannot
/// reproduce, and each web ACL association with a resource it does not front. Never a silent skip, and never a warning:
/// they are facts of every normal start (what emulation leaves out), not something gone wrong, so they are Information.
/// </summary>
public static partial class WafStartupReport
{
    /// <summary>The reason a web ACL on a user pool is not evaluated locally.</summary>
    public const string UserPoolReason =
        "LocalCloud does not front Cognito yet; the engine answers the pool's endpoints directly (issue 10 makes LocalCloud the AWS endpoint)";

    public static void Log(ILogger logger, ProvisionedStack stack, IEnumerable<GatewayStage> stages)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(stages);
        foreach (var stage in stages)
        {
            if (stage.WebAcl is not { } evaluator)
            {
                continue;
            }

            foreach (var rule in evaluator.WebAcl.NotEmulatedRules)
            {
                LogRuleNotEmulated(logger, evaluator.WebAcl.Name, stage.StageName, rule);
            }
        }

        foreach (var (resourceArn, webAclArn) in NotFronted(stack))
        {
            LogAssociationNotEmulated(logger, webAclArn, resourceArn, resourceArn.Contains(":userpool/", StringComparison.Ordinal)
                ? UserPoolReason
                : "LocalCloud fronts only API Gateway stages");
        }
    }

    /// <summary>The associations whose resource is not an API Gateway stage: a user pool, or anything else AWS WAF protects.</summary>
    public static IEnumerable<(string ResourceArn, string WebAclArn)> NotFronted(ProvisionedStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return stack.OfType("AWS::WAFv2::WebACLAssociation")
            .Select(a => (ResourceArn: a.GetString("ResourceArn") ?? "", WebAclArn: a.GetString("WebACLArn") ?? ""))
            .Where(a => !a.ResourceArn.Contains(":apigateway:", StringComparison.Ordinal) || !a.ResourceArn.Contains("/stages/", StringComparison.Ordinal));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Web ACL {WebAcl} on stage {Stage}: managed rule {Rule} not emulated locally (its signatures are private to AWS); AWS evaluates it, LocalCloud lets the request pass it")]
    private static partial void LogRuleNotEmulated(ILogger logger, string webAcl, string stage, string rule);

    [LoggerMessage(Level = LogLevel.Information, Message = "Web ACL {WebAclArn} on {ResourceArn}: not emulated locally, because {Reason}")]
    private static partial void LogAssociationNotEmulated(ILogger logger, string webAclArn, string resourceArn, string reason);
}
