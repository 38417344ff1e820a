using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.SQS;
using Amazon.SQS.Model;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Properties;
using SecureLambda.LocalCloud.Engine;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// <c>AWS::SQS::Queue</c> by name. Ref is the queue URL; GetAtt <c>Arn</c>, <c>QueueName</c> and <c>QueueUrl</c>
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html#aws-resource-sqs-queue-return-values).
/// </summary>
public sealed class SqsQueueProvisioner(EngineClients engine) : ResourceTypeProvisioner(Type)
{
    public const string Type = "AWS::SQS::Queue";

    /// <summary>Queue properties that are queue attributes of the same name; object values are sent as JSON text.</summary>
    private static readonly string[] AttributeProperties =
    [
        "DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds", "VisibilityTimeout",
        "SqsManagedSseEnabled", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "FifoQueue", "ContentBasedDeduplication",
        "DeduplicationScope", "FifoThroughputLimit", "RedrivePolicy", "RedriveAllowPolicy",
    ];

    protected override async Task<ProvisionedResource> ProvisionCoreAsync(
        TemplateResource resource,
        JsonObject resolvedProperties,
        StackState state,
        CancellationToken cancellationToken)
    {
        // A FIFO queue's generated name must still end in .fifo, within SQS's 80 characters.
        var properties = new ResourceProperties(resource.LogicalId, resource.Type, resolvedProperties);
        var fifo = properties.OptionalBool("FifoQueue") == true;
        var name = properties.OptionalString("QueueName")
            ?? PhysicalNames.Generate(state, resource.LogicalId, fifo ? 75 : 80) + (fifo ? ".fifo" : string.Empty);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in AttributeProperties)
        {
            var value = resolvedProperties[property] switch
            {
                JsonObject json => json.ToJsonString(),
                JsonValue scalar when scalar.GetValueKind() == JsonValueKind.True => "true",
                JsonValue scalar when scalar.GetValueKind() == JsonValueKind.False => "false",
                _ => properties.OptionalString(property),
            };
            if (value is not null)
            {
                attributes[property] = value;
            }
        }

        var queue = await EnsureQueueAsync(engine.Sqs, name, attributes, cancellationToken);
        return new ProvisionedResource(
            resource.LogicalId,
            resource.Type,
            queue.Url,
            resolvedProperties,
            new Dictionary<string, JsonNode> { ["Arn"] = queue.Arn, ["QueueName"] = name, ["QueueUrl"] = queue.Url });
    }

    /// <summary>
    /// Creates the queue, or when one of that name exists, sets the attributes on it (so a changed redrive policy
    /// applies on restart). <c>FifoQueue</c> can only be set at creation.
    /// </summary>
    private static async Task<(string Url, string Arn)> EnsureQueueAsync(
        IAmazonSQS sqs,
        string name,
        Dictionary<string, string> attributes,
        CancellationToken cancellationToken)
    {
        string url;
        try
        {
            url = (await sqs.GetQueueUrlAsync(new GetQueueUrlRequest { QueueName = name }, cancellationToken)).QueueUrl;
            var changeable = attributes.Where(pair => pair.Key != "FifoQueue").ToDictionary(StringComparer.Ordinal);
            if (changeable.Count > 0)
            {
                await sqs.SetQueueAttributesAsync(new SetQueueAttributesRequest { QueueUrl = url, Attributes = changeable }, cancellationToken);
            }
        }
        catch (QueueDoesNotExistException)
        {
            url = (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = attributes }, cancellationToken)).QueueUrl;
        }

        var reply = await sqs.GetQueueAttributesAsync(
            new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = ["QueueArn"] },
            cancellationToken);
        return (url, reply.Attributes["QueueArn"]);
    }
}
