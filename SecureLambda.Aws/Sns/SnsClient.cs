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
}
