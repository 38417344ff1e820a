using System.Globalization;
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
/// <item>Protocol <c>lambda</c>: SNS invokes the function asynchronously, so Lambda's internal queue is modelled with
/// engine queues <c>{function}-async</c> and <c>{function}-async-dlq</c> and the topic is subscribed to the first;
/// see <see cref="AsyncDeliveryRoute"/>.</item>
/// <item>Any other protocol: <c>Subscribe</c> in the engine, which answers an existing topic+endpoint with its ARN.</item>
/// </list>
/// </summary>
public sealed class SnsSubscriptionProvisioner(EngineClients engine) : ResourceTypeProvisioner(Type)
{
    public const string Type = "AWS::SNS::Subscription";

    /// <summary>SQS's longest retention, 14 days, for the dead-letter queue.</summary>
    private const int DeadLetterRetentionSeconds = 1209600;

    private static readonly string[] JsonAttributes = ["FilterPolicy", "DeliveryPolicy", "RedrivePolicy", "ReplayPolicy"];

    private static readonly string[] TextAttributes = ["FilterPolicyScope", "RawMessageDelivery", "SubscriptionRoleArn"];

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
            var route = await ProvisionAsyncDeliveryAsync(topicArn, endpoint, state, cancellationToken);
            return new ProvisionedResource(
                resource.LogicalId, resource.Type, route.SubscriptionArn, resolvedProperties, new Dictionary<string, JsonNode>())
            {
                AsyncDelivery = route,
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

        var arn = await SubscribeAsync(topicArn, protocol, endpoint, attributes, cancellationToken);
        return new ProvisionedResource(resource.LogicalId, resource.Type, arn, resolvedProperties, new Dictionary<string, JsonNode>());
    }

    private async Task<AsyncDeliveryRoute> ProvisionAsyncDeliveryAsync(
        string topicArn,
        string functionArn,
        StackState state,
        CancellationToken cancellationToken)
    {
        var functionLogicalId = FindFunction(state, functionArn)
            ?? throw new InvalidOperationException(
                $"The lambda subscription's endpoint {functionArn} is not an AWS::Lambda::Function of this stack.");
        var functionName = state.GetPhysicalId(functionLogicalId);
        var (retries, maxEventAge) = AsyncInvokeSettings(state, functionLogicalId);
        var maxReceiveCount = retries + 1;

        var deadLetter = await SqsQueueProvisioner.EnsureQueueAsync(
            engine.Sqs,
            $"{functionName}-async-dlq",
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["SqsManagedSseEnabled"] = "true",
                ["MessageRetentionPeriod"] = DeadLetterRetentionSeconds.ToString(CultureInfo.InvariantCulture),
            },
            cancellationToken);

        var queueName = $"{functionName}-async";
        var queueArn = $"arn:{state.Partition}:sqs:{state.Settings.Region}:{state.Settings.AccountId}:{queueName}";
        var queue = await SqsQueueProvisioner.EnsureQueueAsync(
            engine.Sqs,
            queueName,
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["SqsManagedSseEnabled"] = "true",
                // Lambda drops (or dead-letters) an event older than MaximumEventAgeInSeconds; SQS expires it alike.
                ["MessageRetentionPeriod"] = Math.Max(60, maxEventAge).ToString(CultureInfo.InvariantCulture),
                ["RedrivePolicy"] = new JsonObject
                {
                    ["deadLetterTargetArn"] = deadLetter.Arn,
                    ["maxReceiveCount"] = maxReceiveCount,
                }.ToJsonString(),
                // What AWS requires before SNS may send to a queue; moto does not check it, AWS and LocalStack do.
                // https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html
                ["Policy"] = QueuePolicy(queueArn, topicArn),
            },
            cancellationToken);

        // Raw delivery off: the body is the SNS envelope, which keeps MessageAttributes (and with them traceparent).
        var subscriptionArn = await SubscribeAsync(
            topicArn,
            "sqs",
            queue.Arn,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["RawMessageDelivery"] = "false" },
            cancellationToken);

        return new AsyncDeliveryRoute(
            topicArn, functionLogicalId, functionName, subscriptionArn, queue.Url, deadLetter.Url, maxReceiveCount);
    }

    private async Task<string> SubscribeAsync(
        string topicArn,
        string protocol,
        string endpoint,
        Dictionary<string, string> attributes,
        CancellationToken cancellationToken)
    {
        return await engine.Sns.SubscribeAsync(topicArn, protocol, endpoint, [.. attributes], cancellationToken);
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

    /// <summary>
    /// MaximumRetryAttempts and MaximumEventAgeInSeconds of the function's <c>AWS::Lambda::EventInvokeConfig</c>, or
    /// Lambda's defaults. Only the config's FunctionName is resolved: it may come later in provisioning order.
    /// </summary>
    private static (int Retries, int MaxEventAge) AsyncInvokeSettings(StackState state, string functionLogicalId)
    {
        var functionName = state.GetPhysicalId(functionLogicalId);
        foreach (var config in state.Template.Resources.Values.Where(resource =>
                     resource.Type == LocalResourceProvisioner.LambdaEventInvokeConfig
                     && (resource.Condition is null || state.EvaluateCondition(resource.Condition))))
        {
            if (!NamesFunction(config.Properties["FunctionName"], functionLogicalId, functionName, state))
            {
                continue;
            }

            var resolved = new ResourceProperties(config.LogicalId, config.Type, new JsonObject
            {
                ["MaximumRetryAttempts"] = IntrinsicResolver.Resolve(config.Properties["MaximumRetryAttempts"], state, config.LogicalId),
                ["MaximumEventAgeInSeconds"] = IntrinsicResolver.Resolve(config.Properties["MaximumEventAgeInSeconds"], state, config.LogicalId),
            });
            return (
                resolved.OptionalInt("MaximumRetryAttempts") ?? EventInvokeConfigs.DefaultMaximumRetryAttempts,
                resolved.OptionalInt("MaximumEventAgeInSeconds") ?? EventInvokeConfigs.DefaultMaximumEventAgeSeconds);
        }

        return (EventInvokeConfigs.DefaultMaximumRetryAttempts, EventInvokeConfigs.DefaultMaximumEventAgeSeconds);
    }

    private static bool NamesFunction(JsonNode? functionNameProperty, string functionLogicalId, string functionName, StackState state)
    {
        switch (functionNameProperty)
        {
            case JsonObject reference when reference["Ref"] is JsonValue target:
                return target.GetValue<string>() == functionLogicalId;
            case JsonObject getAtt when getAtt["Fn::GetAtt"] is JsonArray { Count: 2 } pair:
                return (string?)pair[0] == functionLogicalId;
            case null:
                return false;
            default:
                var resolved = IntrinsicResolver.Resolve(functionNameProperty, state);
                return resolved is JsonValue value && EventInvokeConfigs.NamesFunction(value.GetValue<string>(), functionName);
        }
    }

    private static string QueuePolicy(string queueArn, string topicArn) => new JsonObject
    {
        ["Version"] = "2012-10-17",
        ["Statement"] = new JsonArray(new JsonObject
        {
            ["Sid"] = "AllowTopicToSend",
            ["Effect"] = "Allow",
            ["Principal"] = new JsonObject { ["Service"] = "sns.amazonaws.com" },
            ["Action"] = "sqs:SendMessage",
            ["Resource"] = queueArn,
            ["Condition"] = new JsonObject { ["ArnEquals"] = new JsonObject { ["aws:SourceArn"] = topicArn } },
        }),
    }.ToJsonString();
}
