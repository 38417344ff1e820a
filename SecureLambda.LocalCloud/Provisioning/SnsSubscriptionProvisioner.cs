using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Intrinsics;
using SecureLambda.CloudFormation.Properties;
using SecureLambda.LocalCloud.Engine;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// <c>AWS::SNS::Subscription</c>. Ref is the subscription ARN
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-subscription.html#aws-resource-sns-subscription-return-values).
/// <list type="bullet">
/// <item>Protocol <c>lambda</c>: nothing is made in the engine. SNS hands such a subscription's messages to Lambda's own
/// event queue, which LocalCloud keeps (<see cref="LambdaSubscription"/>); a property LocalCloud would not apply to them
/// (a filter policy, raw delivery) stops provisioning, rather than being ignored.</item>
/// <item>Any other protocol: <c>Subscribe</c> in the engine, which answers an existing topic+endpoint with its ARN.</item>
/// </list>
/// </summary>
public sealed class SnsSubscriptionProvisioner(EngineClients engine) : ResourceTypeProvisioner(Type)
{
    public const string Type = "AWS::SNS::Subscription";

    private static readonly string[] JsonAttributes = ["FilterPolicy", "DeliveryPolicy", "RedrivePolicy", "ReplayPolicy"];

    private static readonly string[] TextAttributes = ["FilterPolicyScope", "RawMessageDelivery", "SubscriptionRoleArn"];

    /// <summary>What a lambda subscription may set besides its topic, protocol and endpoint, and its redrive policy.</summary>
    private static readonly string[] LambdaSubscriptionProperties = ["TopicArn", "Protocol", "Endpoint", "RedrivePolicy", "Region"];

    protected override async Task<ProvisionedResource> ProvisionCoreAsync(
        TemplateResource resource,
        JsonObject resolvedProperties,
        StackState state,
        CancellationToken cancellationToken)
    {
        var properties = new ResourceProperties(resource.LogicalId, resource.Type, resolvedProperties);
        var topicArn = properties.RequiredString("TopicArn");
        var protocol = properties.RequiredString("Protocol");
        var endpoint = properties.RequiredString("Endpoint");

        if (protocol == "lambda")
        {
            var subscription = LambdaSubscriptionOf(resource, properties, topicArn, endpoint, state);
            return new ProvisionedResource(
                resource.LogicalId, resource.Type, subscription.SubscriptionArn, resolvedProperties, new Dictionary<string, JsonNode>())
            {
                LambdaSubscription = subscription,
            };
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in JsonAttributes)
        {
            if (resolvedProperties[name] is JsonObject json)
            {
                attributes[name] = json.ToJsonString();
            }
        }

        foreach (var name in TextAttributes)
        {
            if (resolvedProperties[name] is JsonValue value)
            {
                attributes[name] = properties.RequiredString(name);
            }
        }

        var arn = await engine.Sns.SubscribeAsync(topicArn, protocol, endpoint, [.. attributes], cancellationToken);
        return new ProvisionedResource(resource.LogicalId, resource.Type, arn, resolvedProperties, new Dictionary<string, JsonNode>());
    }

    private static LambdaSubscription LambdaSubscriptionOf(
        TemplateResource resource,
        ResourceProperties properties,
        string topicArn,
        string functionArn,
        StackState state)
    {
        if (properties.Json.Select(property => property.Key).FirstOrDefault(name => !LambdaSubscriptionProperties.Contains(name, StringComparer.Ordinal)) is { } unsupported)
        {
            throw new UnsupportedTemplateException(
                resource.LogicalId, resource.Type, $"LocalCloud delivers a lambda subscription itself and does not apply its {unsupported}; remove it, or deliver through an SQS subscription.");
        }

        var functionLogicalId = FindFunction(state, functionArn)
            ?? throw new InvalidOperationException(
                $"The lambda subscription's endpoint {functionArn} is not an AWS::Lambda::Function of this stack.");
        var deadLetterArn = properties.OptionalObject("RedrivePolicy")?.OptionalString("deadLetterTargetArn");
        return new LambdaSubscription(resource.LogicalId, topicArn, functionLogicalId, state.GetPhysicalId(functionLogicalId), SubscriptionArn(topicArn, functionArn), deadLetterArn);
    }

    /// <summary><c>{topicArn}:{id}</c>, the id a UUID made from the topic and the function, as SNS's are UUIDs.</summary>
    internal static string SubscriptionArn(string topicArn, string functionArn)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{topicArn}\n{functionArn}"));
        return $"{topicArn}:{new Guid(hash.AsSpan(0, 16))}";
    }

    /// <summary>The function whose ARN (or name) the endpoint names, ignoring a version or alias qualifier.</summary>
    private static string? FindFunction(StackState state, string endpoint)
    {
        var name = EventInvokeConfigs.FunctionNameOf(endpoint);
        return state.Template.Resources.Values
            .Where(resource => resource.Type == LocalResourceProvisioner.LambdaFunction && state.IsProvisioned(resource.LogicalId))
            .Select(resource => resource.LogicalId)
            .FirstOrDefault(id => state.GetPhysicalId(id) == name);
    }
}
