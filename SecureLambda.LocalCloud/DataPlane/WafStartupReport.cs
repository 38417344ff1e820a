using SecureLambda.LocalCloud.ApiGateway;
using SecureLambda.LocalCloud.Cognito;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.DataPlane;

/// <summary>
/// The start-up lines that say what of the template's WAF LocalCloud does not evaluate: each managed rule it cannot
/// reproduce (on a stage's web ACL and a user pool's), and each web ACL association with a resource it does not front. Never a silent skip, and never a warning:
/// they are facts of every normal start (what emulation leaves out), not something gone wrong, so they are Information.
/// </summary>
public static partial class WafStartupReport
{
    public static void Log(ILogger logger, ProvisionedStack stack, IEnumerable<GatewayStage> stages, IEnumerable<UserPoolRules>? pools = null)
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

        foreach (var pool in pools ?? [])
        {
            foreach (var rule in pool.WebAcl?.WebAcl.NotEmulatedRules ?? [])
            {
                LogPoolRuleNotEmulated(logger, pool.WebAcl!.WebAcl.Name, pool.LogicalId, rule);
            }
        }

        foreach (var (resourceArn, webAclArn) in NotFronted(stack))
        {
            LogAssociationNotEmulated(logger, webAclArn, resourceArn, "LocalCloud fronts only API Gateway stages and Cognito user pools");
        }
    }

    /// <summary>
    /// The associations whose resource is neither an API Gateway stage nor a user pool (whose public calls the AWS
    /// endpoint evaluates): an ALB, AppSync, or anything else AWS WAF protects.
    /// </summary>
    public static IEnumerable<(string ResourceArn, string WebAclArn)> NotFronted(ProvisionedStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return stack.OfType("AWS::WAFv2::WebACLAssociation")
            .Select(a => (ResourceArn: a.GetString("ResourceArn") ?? "", WebAclArn: a.GetString("WebACLArn") ?? ""))
            .Where(a => !(a.ResourceArn.Contains(":apigateway:", StringComparison.Ordinal) && a.ResourceArn.Contains("/stages/", StringComparison.Ordinal))
                && !a.ResourceArn.Contains(":userpool/", StringComparison.Ordinal));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Web ACL {WebAcl} on stage {Stage}: managed rule {Rule} not emulated locally (its signatures are private to AWS); AWS evaluates it, LocalCloud lets the request pass it")]
    private static partial void LogRuleNotEmulated(ILogger logger, string webAcl, string stage, string rule);

    [LoggerMessage(Level = LogLevel.Information, Message = "Web ACL {WebAcl} on user pool {UserPool}: managed rule {Rule} not emulated locally (its signatures are private to AWS); AWS evaluates it, LocalCloud lets the request pass it")]
    private static partial void LogPoolRuleNotEmulated(ILogger logger, string webAcl, string userPool, string rule);

    [LoggerMessage(Level = LogLevel.Information, Message = "Web ACL {WebAclArn} on {ResourceArn}: not emulated locally, because {Reason}")]
    private static partial void LogAssociationNotEmulated(ILogger logger, string webAclArn, string resourceArn, string reason);
}
