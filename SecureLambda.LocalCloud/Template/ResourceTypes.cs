using Microsoft.Extensions.Logging;

namespace SecureLambda.LocalCloud.Template;

/// <summary>
/// The one list of resource types LocalCloud emulates (in the engine or in LocalCloud itself), and of those it
/// knowingly skips, with the reason. A type in neither list fails at startup: LocalStack and moto drop such resources
/// silently, and a stack that runs locally without them would hide the difference from AWS.
/// </summary>
public static partial class ResourceTypes
{
    public static IReadOnlySet<string> Emulated { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "AWS::SNS::Topic",
        "AWS::SNS::Subscription",
        "AWS::SecretsManager::Secret",
        "AWS::SQS::Queue",
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolClient",
        "AWS::Lambda::Function",
        "AWS::Lambda::EventInvokeConfig",
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGateway::Resource",
        "AWS::ApiGateway::Method",
        "AWS::ApiGateway::Authorizer",
        "AWS::ApiGateway::Model",
        "AWS::ApiGateway::RequestValidator",
        "AWS::ApiGateway::Deployment",
        "AWS::ApiGateway::Stage",
        "AWS::ApiGateway::GatewayResponse",
        "AWS::WAFv2::IPSet",
        "AWS::WAFv2::WebACL",
        "AWS::WAFv2::WebACLAssociation",
    };

    public static IReadOnlyDictionary<string, string> Skipped { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AWS::IAM::Role"] = "the engine does not enforce IAM locally",
        ["AWS::IAM::Policy"] = "the engine does not enforce IAM locally",
        ["AWS::Lambda::Permission"] =
            "resource policies are not enforced locally; the gateway and SNS delivery call functions directly",
        ["AWS::Logs::LogGroup"] = "function logs go to the process output and the Aspire dashboard",
        ["AWS::ApiGateway::Account"] = "it sets the account-wide CloudWatch role of API Gateway, which has no local counterpart",
    };

    public static bool IsEmulated(string type) => Emulated.Contains(type);

    public static string? SkipReason(string type) => Skipped.GetValueOrDefault(type);

    /// <summary>
    /// Fails on a resource type in neither list, and logs each knowingly skipped type once with its reason.
    /// </summary>
    public static void Validate(CloudFormationTemplate template, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(logger);
        foreach (var resource in template.Resources.Values)
        {
            if (!IsEmulated(resource.Type) && SkipReason(resource.Type) is null)
            {
                throw new TemplateException(
                    $"Resource {resource.LogicalId} has type {resource.Type}, which LocalCloud does not emulate or knowingly skip.");
            }
        }

        foreach (var group in template.Resources.Values.Where(r => !IsEmulated(r.Type)).GroupBy(r => r.Type))
        {
            var reason = SkipReason(group.Key)!;
            var logicalIds = string.Join(", ", group.Select(r => r.LogicalId));
            LogSkipped(logger, group.Key, reason, logicalIds);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipping resources of type {ResourceType}: {Reason} ({LogicalIds})")]
    private static partial void LogSkipped(ILogger logger, string resourceType, string reason, string logicalIds);
}
