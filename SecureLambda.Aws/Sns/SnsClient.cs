using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Signing;

namespace SecureLambda.Aws.Sns;

/// <summary>
/// <c>Publish</c> over the Query protocol, without the AWS SDK package that is not served here
/// (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
/// </summary>
public sealed class SnsClient(HttpClient http, AwsClientContext context) : ISnsClient
{
    private const string ContentType = "application/x-www-form-urlencoded; charset=utf-8";
    private const string ApiVersion = "2010-03-31";
    private static readonly XNamespace SnsNamespace = "http://sns.amazonaws.com/doc/2010-03-31/";

    private readonly AwsHttpInvoker _invoker = new(http, context, AwsServiceDescriptor.Sns, AwsProtocol.Query);

    public async Task<string> PublishAsync(SnsPublishRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.TopicArn);
        ArgumentNullException.ThrowIfNull(request.Message);

        var body = Encoding.UTF8.GetBytes(PublishForm(request));
        var response = await _invoker.SendAsync(new AwsOperationRequest("Publish", body, ContentType), cancellationToken);
        return ParseMessageId(response.Body);
    }

    /// <summary>
    /// The form body in the order and encoding botocore's Query serializer writes it, so the same inputs give the same bytes:
    /// <c>Action</c>, <c>Version</c>, the members in input order, and map entries as <c>MessageAttributes.entry.N.*</c>.
    /// </summary>
    internal static string PublishForm(SnsPublishRequest request)
    {
        var fields = new List<(string Name, string Value)>
        {
            ("Action", "Publish"),
            ("Version", ApiVersion),
            ("TopicArn", request.TopicArn),
            ("Message", request.Message),
        };
        if (request.Subject is not null)
        {
            fields.Add(("Subject", request.Subject));
        }

        var index = 0;
        foreach (var (name, value) in request.StringAttributes ?? new Dictionary<string, string>())
        {
            var prefix = "MessageAttributes.entry." + (++index).ToString(CultureInfo.InvariantCulture);
            fields.Add(($"{prefix}.Name", name));
            fields.Add(($"{prefix}.Value.DataType", "String"));
            fields.Add(($"{prefix}.Value.StringValue", value));
        }

        return string.Join('&', fields.Select(field =>
            $"{AwsPercentEncoding.FormEncode(field.Name)}={AwsPercentEncoding.FormEncode(field.Value)}"));
    }

    private static string ParseMessageId(byte[] body)
    {
        try
        {
            using var stream = new MemoryStream(body);
            using var reader = XmlReader.Create(stream, SafeXml.Settings);
            var messageId = XDocument.Load(reader)
                .Element(SnsNamespace + "PublishResponse")?
                .Element(SnsNamespace + "PublishResult")?
                .Element(SnsNamespace + "MessageId")?
                .Value;
            if (!string.IsNullOrEmpty(messageId))
            {
                return messageId;
            }
        }
        catch (XmlException exception)
        {
            throw new InvalidOperationException("SNS answered Publish with a body that is not XML.", exception);
        }

        throw new InvalidOperationException("SNS answered Publish without PublishResponse/PublishResult/MessageId.");
    }
}
