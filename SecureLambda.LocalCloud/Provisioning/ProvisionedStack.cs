using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Properties;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// One provisioned resource: its physical id (what <c>Ref</c> returns), its resolved properties and the
/// <c>Fn::GetAtt</c> attributes CloudFormation documents for its type.
/// </summary>
public sealed record ProvisionedResource(
    string LogicalId,
    string Type,
    string PhysicalId,
    JsonObject Properties,
    IReadOnlyDictionary<string, JsonNode> Attributes)
{
    /// <summary>Set for an <c>AWS::SNS::Subscription</c> with protocol <c>lambda</c>: LocalCloud delivers it, not the engine.</summary>
    public LambdaSubscription? LambdaSubscription { get; init; }

    /// <summary>The resolved properties, read by their types.</summary>
    public ResourceProperties TypedProperties => new(LogicalId, Type, Properties);

    /// <summary>A string property of the resolved properties, or null.</summary>
    public string? GetString(string property) => TypedProperties.OptionalString(property);
}

/// <summary>
/// An SNS subscription with protocol <c>lambda</c>. In AWS, SNS hands each message published to the topic to Lambda's
/// internal event queue, which users never see (https://docs.aws.amazon.com/sns/latest/dg/sns-lambda-as-subscriber.html);
/// locally the engine keeps the topic and LocalCloud, which sees every <c>Publish</c> at its AWS endpoint, queues the
/// asynchronous invocation itself. The engine holds no subscription, queue or message of it.
/// </summary>
/// <param name="SubscriptionArn">The subscription's ARN, <c>{TopicArn}:{id}</c>: the id is derived from the topic and the
/// function, so it is the same at every provisioning, and events queued before a restart still name it.</param>
/// <param name="DeadLetterArn">The queue the subscription's <c>RedrivePolicy</c> names: where SNS puts a message it
/// cannot hand to Lambda (https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html).</param>
public sealed record LambdaSubscription(
    string LogicalId,
    string TopicArn,
    string FunctionLogicalId,
    string FunctionName,
    string SubscriptionArn,
    string? DeadLetterArn = null);

/// <summary>A developer account in one of the stack's user pools. The password is deliberately not part of it.</summary>
public sealed record DevUser(string Email, string UserPoolLogicalId, string UserPoolId, string ClientId);

/// <summary>
/// A dev value for one of the stack's API keys. AWS generates a key's value and the template holds none, so LocalCloud
/// gives each key a known one: the one configured under <c>LocalCloud:ApiKeyValues:{LogicalId}</c>, else the
/// template's own <c>Value</c>, else <c>local-dev-api-key-{LogicalId}</c>, which the README, the <c>.http</c> file and
/// the dashboard's commands send.
/// </summary>
public sealed record DevApiKey(string LogicalId, string Id, string Name, string Value)
{
    public const string DefaultValuePrefix = "local-dev-api-key-";

    /// <summary>The dev key of every <c>AWS::ApiGateway::ApiKey</c> among the resources, in provisioning order.</summary>
    public static IReadOnlyList<DevApiKey> For(IEnumerable<ProvisionedResource> resources, IReadOnlyDictionary<string, string> configuredValues)
    {
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(configuredValues);
        return
        [
            .. resources.Where(resource => resource.Type == LocalResourceProvisioner.ApiKey).Select(key => new DevApiKey(
                key.LogicalId,
                key.PhysicalId,
                key.GetString("Name") ?? key.LogicalId,
                configuredValues.GetValueOrDefault(key.LogicalId) ?? key.GetString("Value") ?? DefaultValuePrefix + key.LogicalId)),
        ];
    }
}

/// <summary>Everything the data plane reads from the provisioned stack.</summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A CloudFormation stack, not a stack collection.")]
public sealed record ProvisionedStack(
    StackState State,
    IReadOnlyList<ProvisionedResource> Resources,
    IReadOnlyDictionary<string, string> Outputs,
    IReadOnlyList<DevUser> DevUsers,
    IReadOnlyList<DevApiKey> DevApiKeys,
    IReadOnlyList<LambdaSubscription> LambdaSubscriptions)
{
    public string StackName => State.Settings.StackName;

    /// <summary>The provisioned resources of one CloudFormation type, in provisioning order.</summary>
    public IReadOnlyList<ProvisionedResource> OfType(string type) =>
        [.. Resources.Where(resource => string.Equals(resource.Type, type, StringComparison.Ordinal))];

    /// <summary>The resource with this logical id; throws naming it when it was not provisioned (absent or its condition is false).</summary>
    public ProvisionedResource Get(string logicalId) =>
        Find(logicalId) ?? throw new KeyNotFoundException($"Resource '{logicalId}' is not part of the provisioned stack.");

    public ProvisionedResource? Find(string logicalId) =>
        Resources.FirstOrDefault(resource => string.Equals(resource.LogicalId, logicalId, StringComparison.Ordinal));
}
