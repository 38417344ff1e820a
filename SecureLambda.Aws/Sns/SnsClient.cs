using System.Globalization;
using System.Xml.Linq;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Protocols;

namespace SecureLambda.Aws.Sns;

/// <summary>
/// SNS over the Query protocol, without the AWS SDK package that is not served here
/// (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html). <c>Publish</c> is not idempotent, so a 5xx or a lost
/// connection after sending is not retried (<see cref="AwsOperationIdempotency"/>): a retry could deliver the message twice.
/// </summary>
public sealed class SnsClient(AwsQueryProtocolClient query) : ISnsClient
{
    public const string ApiVersion = "2010-03-31";
    private static readonly XNamespace SnsNamespace = "http://sns.amazonaws.com/doc/2010-03-31/";

    public SnsClient(HttpClient http, AwsClientContext context)
        : this(new AwsQueryProtocolClient(http, context, AwsServiceDescriptor.Sns, ApiVersion))
    {
    }

    public async Task<string> PublishAsync(SnsPublishRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.TopicArn);
        ArgumentNullException.ThrowIfNull(request.Message);

        var result = await query.CallAsync("Publish", PublishParameters(request), cancellationToken);
        var messageId = result.Name.Namespace == SnsNamespace ? result.Element(SnsNamespace + "MessageId")?.Value : null;
        return string.IsNullOrEmpty(messageId)
            ? throw new InvalidOperationException("SNS answered Publish without PublishResponse/PublishResult/MessageId.")
            : messageId;
    }

    /// <summary>
    /// Creates the topic, or returns the ARN of the caller's topic of that name: CreateTopic is idempotent
    /// (https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html).
    /// </summary>
    public async Task<string> CreateTopicAsync(
        string name, IReadOnlyList<KeyValuePair<string, string>>? attributes = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        List<KeyValuePair<string, string>> parameters = [new("Name", name), .. MapEntries("Attributes", attributes)];
        var result = await query.CallAsync("CreateTopic", parameters, cancellationToken);
        return Required(result, "CreateTopic", "TopicArn");
    }

    /// <summary>
    /// Subscribes <paramref name="endpoint"/> and returns the subscription's ARN, asked for even while it is pending
    /// (<c>ReturnSubscriptionArn</c>; https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html).
    /// </summary>
    public async Task<string> SubscribeAsync(
        string topicArn,
        string protocol,
        string endpoint,
        IReadOnlyList<KeyValuePair<string, string>>? attributes = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topicArn);
        ArgumentException.ThrowIfNullOrWhiteSpace(protocol);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        List<KeyValuePair<string, string>> parameters =
        [
            new("TopicArn", topicArn),
            new("Protocol", protocol),
            new("Endpoint", endpoint),
            .. MapEntries("Attributes", attributes),
            new("ReturnSubscriptionArn", "true"),
        ];
        var result = await query.CallAsync("Subscribe", parameters, cancellationToken);
        return Required(result, "Subscribe", "SubscriptionArn");
    }

    /// <summary>The first page of <c>ListTopics</c>: the topics' ARNs.</summary>
    public async Task<IReadOnlyList<string>> ListTopicsAsync(CancellationToken cancellationToken = default)
    {
        var result = await query.CallAsync("ListTopics", [], cancellationToken);
        return result.Elements().Where(element => element.Name.LocalName == "Topics")
            .SelectMany(topics => topics.Elements())
            .Select(member => member.Elements().FirstOrDefault(element => element.Name.LocalName == "TopicArn")?.Value)
            .OfType<string>()
            .ToList();
    }

    /// <summary>The topic's attributes; throws <c>NotFound</c> for a topic that does not exist.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetTopicAttributesAsync(string topicArn, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topicArn);
        var result = await query.CallAsync("GetTopicAttributes", [new("TopicArn", topicArn)], cancellationToken);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in result.Elements().Where(element => element.Name.LocalName == "Attributes").SelectMany(map => map.Elements()))
        {
            if (entry.Elements().FirstOrDefault(element => element.Name.LocalName == "key")?.Value is { } key)
            {
                attributes[key] = entry.Elements().FirstOrDefault(element => element.Name.LocalName == "value")?.Value ?? string.Empty;
            }
        }

        return attributes;
    }

    /// <summary>
    /// The form body in the order and encoding botocore's Query serializer writes it, so the same inputs give the same bytes:
    /// <c>Action</c>, <c>Version</c>, the members in input order, and map entries as <c>MessageAttributes.entry.N.*</c>.
    /// </summary>
    internal static string PublishForm(SnsPublishRequest request) =>
        AwsQueryProtocolClient.Form("Publish", ApiVersion, PublishParameters(request));

    private static List<KeyValuePair<string, string>> PublishParameters(SnsPublishRequest request)
    {
        List<KeyValuePair<string, string>> fields = [new("TopicArn", request.TopicArn), new("Message", request.Message)];
        if (request.Subject is not null)
        {
            fields.Add(new("Subject", request.Subject));
        }

        var index = 0;
        foreach (var (name, value) in request.StringAttributes ?? new Dictionary<string, string>())
        {
            var prefix = "MessageAttributes.entry." + (++index).ToString(CultureInfo.InvariantCulture);
            fields.Add(new($"{prefix}.Name", name));
            fields.Add(new($"{prefix}.Value.DataType", "String"));
            fields.Add(new($"{prefix}.Value.StringValue", value));
        }

        return fields;
    }

    /// <summary>A string map as the Query protocol flattens it: <c>{name}.entry.N.key</c> and <c>.value</c>, in order.</summary>
    private static IEnumerable<KeyValuePair<string, string>> MapEntries(string name, IReadOnlyList<KeyValuePair<string, string>>? entries)
    {
        var index = 0;
        foreach (var (key, value) in entries ?? [])
        {
            var prefix = $"{name}.entry.{(++index).ToString(CultureInfo.InvariantCulture)}";
            yield return new($"{prefix}.key", key);
            yield return new($"{prefix}.value", value);
        }
    }

    private static string Required(XElement result, string action, string member) =>
        result.Elements().FirstOrDefault(element => element.Name.LocalName == member)?.Value is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"SNS answered {action} without {member}.");
}
