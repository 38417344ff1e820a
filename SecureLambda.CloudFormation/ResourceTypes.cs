using Microsoft.Extensions.Logging;

namespace SecureLambda.CloudFormation;

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
        ["AWS::SNS::TopicPolicy"] =
            "resource policies are not enforced locally (the engine does not evaluate them); the template tests check their statements",
        ["AWS::SQS::QueuePolicy"] =
            "resource policies are not enforced locally (the engine does not evaluate them); the template tests check their statements",
        ["AWS::CloudWatch::Alarm"] =
            "no CloudWatch metrics exist locally; the gateway's and the functions' counters and traces in the Aspire dashboard show the same signals",
    };

    /// <summary>
    /// Properties of emulated types that LocalCloud reads but does not reproduce, with the reason, logged once at
    /// startup like the skipped types, so that no setting of the template is dropped without a word.
    /// </summary>
    public static IReadOnlyDictionary<(string Type, string Property), string> SkippedProperties { get; } =
        new Dictionary<(string Type, string Property), string>
        {
            [("AWS::Lambda::Function", "ReservedConcurrentExecutions")] =
                "each local function is one process polling the Runtime API, so its concurrency is already one",
            [("AWS::ApiGateway::RestApi", "SecurityPolicy")] = "the local gateway serves plain HTTP on loopback, so there is no TLS to negotiate",
            [("AWS::ApiGateway::RestApi", "EndpointAccessMode")] =
                "the local gateway has one endpoint, so there is no other endpoint type or SNI host to refuse",
            [("AWS::SNS::Subscription", "RedrivePolicy")] =
                "SNS's own dead-letter queue keeps messages SNS cannot hand to Lambda at all; the local hand-off to the engine queue cannot fail that way",
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

        foreach (var ((type, property), reason) in SkippedProperties)
        {
            var logicalIds = string.Join(", ", template.Resources.Values
                .Where(r => r.Type == type && r.Properties.ContainsKey(property))
                .Select(r => r.LogicalId));
            if (logicalIds.Length > 0)
            {
                LogSkippedProperty(logger, type, property, reason, logicalIds);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipping resources of type {ResourceType}: {Reason} ({LogicalIds})")]
    private static partial void LogSkipped(ILogger logger, string resourceType, string reason, string logicalIds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Not reproducing {ResourceType} {Property}: {Reason} ({LogicalIds})")]
    private static partial void LogSkippedProperty(ILogger logger, string resourceType, string property, string reason, string logicalIds);
}
