using Microsoft.Extensions.Logging;

namespace SecureLambda.CloudFormation.Catalog;

/// <summary>How LocalCloud stands in for resources of one CloudFormation type.</summary>
public enum ResourceKind
{
    /// <summary>Created in the engine (moto) through its AWS API, as CloudFormation would call that service.</summary>
    ProvisionedInEngine,

    /// <summary>Emulated by LocalCloud itself (Lambda, API Gateway, WAF): nothing is created in the engine.</summary>
    SynthesizedByLocalCloud,

    /// <summary>
    /// Deliberately not emulated; the resource still gets the physical id and attributes AWS documents, so intrinsics
    /// that point at it resolve.
    /// </summary>
    Skipped,
}

/// <summary>One resource type of the catalog: how LocalCloud stands in for it, and why.</summary>
public sealed record ResourceTypeEntry(string Type, ResourceKind Kind, string Reason);

/// <summary>A property of an emulated type that LocalCloud reads but does not reproduce, and why.</summary>
public sealed record SkippedProperty(string Type, string Property, string Reason);

/// <summary>
/// The one list of the resource types LocalCloud knows: for each, whether the engine provisions it, LocalCloud
/// synthesizes it, or it is deliberately skipped, and why. A type not in the catalog fails at start-up: LocalStack and
/// moto drop such resources silently, and a stack that runs locally without them would hide the difference from AWS.
/// LocalCloud checks at start-up that its provisioners handle exactly the types the catalog does not skip.
/// </summary>
public static partial class ResourceTypeCatalog
{
    private const string IamEnforced = "LocalCloud's AWS endpoint decides the functions' calls by the policies of their roles";
    private const string ResourcePolicyEnforced = "LocalCloud's AWS endpoint evaluates it on the functions' calls to the resource";

    public static IReadOnlyList<ResourceTypeEntry> Entries { get; } =
    [
        new("AWS::SNS::Topic", ResourceKind.ProvisionedInEngine, "the engine's SNS holds the topic the functions publish to"),
        new("AWS::SNS::Subscription", ResourceKind.ProvisionedInEngine,
            "the engine's SNS holds the subscription; LocalCloud delivers its messages to the local function"),
        new("AWS::SecretsManager::Secret", ResourceKind.ProvisionedInEngine, "the engine's Secrets Manager serves the secret to the functions"),
        new("AWS::SQS::Queue", ResourceKind.ProvisionedInEngine, "the engine's SQS holds the dead-letter queues"),
        new("AWS::Cognito::UserPool", ResourceKind.ProvisionedInEngine, "the engine's Cognito signs the users in and issues their tokens"),
        new("AWS::Cognito::UserPoolClient", ResourceKind.ProvisionedInEngine, "the engine's Cognito holds the app client the users sign in with"),
        new("AWS::Lambda::Function", ResourceKind.SynthesizedByLocalCloud,
            "each function runs as a local process polling LocalCloud's Lambda Runtime API"),
        new("AWS::Lambda::EventInvokeConfig", ResourceKind.SynthesizedByLocalCloud,
            "LocalCloud's asynchronous invocation applies its retries, event age and destinations"),
        new("AWS::ApiGateway::RestApi", ResourceKind.SynthesizedByLocalCloud, "LocalCloud's gateway serves the API"),
        new("AWS::ApiGateway::Resource", ResourceKind.SynthesizedByLocalCloud, "a path of LocalCloud's gateway"),
        new("AWS::ApiGateway::Method", ResourceKind.SynthesizedByLocalCloud, "a route of LocalCloud's gateway"),
        new("AWS::ApiGateway::Authorizer", ResourceKind.SynthesizedByLocalCloud, "LocalCloud's gateway checks the Cognito tokens"),
        new("AWS::ApiGateway::Model", ResourceKind.SynthesizedByLocalCloud, "LocalCloud's gateway validates request bodies against it"),
        new("AWS::ApiGateway::RequestValidator", ResourceKind.SynthesizedByLocalCloud, "LocalCloud's gateway applies it before the integration"),
        new("AWS::ApiGateway::Deployment", ResourceKind.SynthesizedByLocalCloud, "LocalCloud's gateway always serves the template's API"),
        new("AWS::ApiGateway::Stage", ResourceKind.SynthesizedByLocalCloud, "LocalCloud's gateway serves the stage, with its throttling"),
        new("AWS::ApiGateway::GatewayResponse", ResourceKind.SynthesizedByLocalCloud,
            "LocalCloud's gateway answers with the template's gateway responses"),
        new("AWS::ApiGateway::ApiKey", ResourceKind.SynthesizedByLocalCloud,
            "LocalCloud's gateway requires the key on the methods that need one; it gets a dev value locally"),
        new("AWS::ApiGateway::UsagePlan", ResourceKind.SynthesizedByLocalCloud,
            "LocalCloud's gateway applies the plan's throttle and quota to each of its keys"),
        new("AWS::ApiGateway::UsagePlanKey", ResourceKind.SynthesizedByLocalCloud, "LocalCloud's gateway admits the key to the plan's stages"),
        new("AWS::ApiGateway::DocumentationPart", ResourceKind.SynthesizedByLocalCloud, "LocalCloud's get-export writes it into the OpenAPI document"),
        new("AWS::ApiGateway::DocumentationVersion", ResourceKind.SynthesizedByLocalCloud,
            "LocalCloud's get-export always documents the template's current parts"),
        new("AWS::WAFv2::IPSet", ResourceKind.SynthesizedByLocalCloud, "LocalCloud's WAF matches the addresses"),
        new("AWS::WAFv2::WebACL", ResourceKind.SynthesizedByLocalCloud, "LocalCloud's WAF evaluates the web ACL's rules"),
        new("AWS::WAFv2::WebACLAssociation", ResourceKind.SynthesizedByLocalCloud, "LocalCloud's WAF guards the associated stage"),
        new("AWS::IAM::Role", ResourceKind.SynthesizedByLocalCloud, IamEnforced),
        new("AWS::IAM::Policy", ResourceKind.SynthesizedByLocalCloud, IamEnforced),
        new("AWS::Lambda::Permission", ResourceKind.SynthesizedByLocalCloud,
            "LocalCloud allows the gateway's and SNS's invocations of the function only as its resource policy does"),
        new("AWS::Logs::LogGroup", ResourceKind.Skipped, "function logs go to the process output and the Aspire dashboard"),
        new("AWS::ApiGateway::Account", ResourceKind.Skipped,
            "it sets the account-wide CloudWatch role of API Gateway, which has no local counterpart"),
        new("AWS::SNS::TopicPolicy", ResourceKind.SynthesizedByLocalCloud, ResourcePolicyEnforced),
        new("AWS::SQS::QueuePolicy", ResourceKind.SynthesizedByLocalCloud, ResourcePolicyEnforced),
        new("AWS::CloudWatch::Alarm", ResourceKind.Skipped,
            "no CloudWatch metrics exist locally; the gateway's and the functions' counters and traces in the Aspire dashboard show the same signals"),
    ];

    /// <summary>
    /// Properties of emulated types that LocalCloud reads but does not reproduce, logged once at start-up like the
    /// skipped types, so that no setting of the template is dropped without a word.
    /// </summary>
    public static IReadOnlyList<SkippedProperty> SkippedProperties { get; } =
    [
        new("AWS::ApiGateway::RestApi", "SecurityPolicy", "the local gateway serves plain HTTP on loopback, so there is no TLS to negotiate"),
        new("AWS::ApiGateway::RestApi", "EndpointAccessMode",
            "the local gateway has one endpoint, so there is no other endpoint type or SNI host to refuse"),
    ];

    private static readonly Dictionary<string, ResourceTypeEntry> ByType = Entries.ToDictionary(entry => entry.Type, StringComparer.Ordinal);

    /// <summary>The catalog's entry for <paramref name="type"/>, or null for a type LocalCloud does not know.</summary>
    public static ResourceTypeEntry? Find(string type) => ByType.GetValueOrDefault(type);

    /// <summary>Fails on a resource type the catalog does not know, and logs each skipped type and property once with its reason.</summary>
    /// <exception cref="UnsupportedTemplateException">The first resource whose type the catalog does not know.</exception>
    public static void Validate(CloudFormationTemplate template, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(logger);
        foreach (var resource in template.Resources.Values)
        {
            if (Find(resource.Type) is null)
            {
                throw new UnsupportedTemplateException(
                    resource.LogicalId, resource.Type, "its type is one which LocalCloud does not emulate or knowingly skip.");
            }
        }

        foreach (var group in template.Resources.Values.Where(r => Find(r.Type)!.Kind == ResourceKind.Skipped).GroupBy(r => r.Type))
        {
            var reason = Find(group.Key)!.Reason;
            var logicalIds = string.Join(", ", group.Select(r => r.LogicalId));
            LogSkipped(logger, group.Key, reason, logicalIds);
        }

        foreach (var (type, property, reason) in SkippedProperties)
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
