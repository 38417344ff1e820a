using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Properties;
using SecureLambda.LocalCloud.Engine;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// <c>AWS::SNS::Topic</c> through <c>CreateTopic</c>, which is idempotent by name. Ref is the topic ARN; GetAtt
/// <c>TopicArn</c> and <c>TopicName</c>
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-topic.html#aws-resource-sns-topic-return-values).
/// </summary>
public sealed class SnsTopicProvisioner(EngineClients engine) : ResourceTypeProvisioner(Type)
{
    public const string Type = "AWS::SNS::Topic";

    /// <summary>Topic properties that are also CreateTopic attributes of the same name and meaning.</summary>
    private static readonly string[] AttributeProperties =
        ["DisplayName", "KmsMasterKeyId", "FifoTopic", "ContentBasedDeduplication", "SignatureVersion", "TracingConfig", "ArchivePolicy"];

    protected override async Task<ProvisionedResource> ProvisionCoreAsync(
        TemplateResource resource,
        JsonObject resolvedProperties,
        StackState state,
        CancellationToken cancellationToken)
    {
        var properties = new ResourceProperties(resource.LogicalId, resource.Type, resolvedProperties);
        var fifo = properties.OptionalBool("FifoTopic") == true;
        var name = properties.OptionalString("TopicName")
            ?? PhysicalNames.Generate(state, resource.LogicalId, fifo ? 251 : 256) + (fifo ? ".fifo" : string.Empty);

        var attributes = new List<KeyValuePair<string, string>>();
        foreach (var property in AttributeProperties)
        {
            if (properties.OptionalString(property) is { } value)
            {
                attributes.Add(new(property, value));
            }
        }

        var arn = await engine.Sns.CreateTopicAsync(name, attributes, cancellationToken);
        return new ProvisionedResource(
            resource.LogicalId,
            resource.Type,
            arn,
            resolvedProperties,
            new Dictionary<string, JsonNode> { ["TopicArn"] = arn, ["TopicName"] = name });
    }
}
