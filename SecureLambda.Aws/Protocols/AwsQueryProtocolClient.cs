using System.Text;
using System.Xml;
using System.Xml.Linq;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Signing;

namespace SecureLambda.Aws.Protocols;

/// <summary>
/// Any action of a Query-protocol service (SNS, and SQS before its JSON protocol): a form-encoded POST of
/// <c>Action</c>, <c>Version</c> and the flattened parameters, answered by <c>{Action}Response/{Action}Result</c> XML
/// (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html). Errors surface as <see cref="AwsServiceException"/>.
/// </summary>
public sealed class AwsQueryProtocolClient
{
    private const string ContentType = "application/x-www-form-urlencoded; charset=utf-8";

    private readonly AwsHttpInvoker _invoker;
    private readonly string _apiVersion;

    /// <param name="apiVersion">The service's API version, for example <c>2010-03-31</c> for SNS.</param>
    public AwsQueryProtocolClient(HttpClient http, AwsClientContext context, AwsServiceDescriptor service, string apiVersion)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiVersion);
        _invoker = new AwsHttpInvoker(http, context, service, AwsProtocol.Query);
        _apiVersion = apiVersion;
    }

    /// <summary>The endpoint the calls go to, resolved from the context's endpoint variables.</summary>
    public Uri Endpoint => _invoker.Endpoint;

    /// <summary>
    /// Calls <paramref name="action"/> with the parameters already flattened as the Query protocol names them
    /// (<c>Attributes.entry.1.key</c>, <c>Tags.member.1.Key</c>, ...), in the order given. Returns the
    /// <c>{Action}Result</c> element, or an empty one for actions whose reply carries only <c>ResponseMetadata</c>.
    /// Element names keep the service's XML namespace; match them on <see cref="XName.LocalName"/> or with it.
    /// </summary>
    public async Task<XElement> CallAsync(
        string action,
        IEnumerable<KeyValuePair<string, string>> parameters,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentNullException.ThrowIfNull(parameters);

        var body = Encoding.UTF8.GetBytes(Form(action, _apiVersion, parameters));
        var response = await _invoker.SendAsync(new AwsOperationRequest(action, body, ContentType), cancellationToken);
        return ParseResult(action, response.Body);
    }

    /// <summary>The form body in the order botocore's Query serializer writes it: <c>Action</c>, <c>Version</c>, then the parameters.</summary>
    internal static string Form(string action, string apiVersion, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        IEnumerable<KeyValuePair<string, string>> fields = [new("Action", action), new("Version", apiVersion), .. parameters];
        return string.Join('&', fields.Select(field =>
            $"{AwsPercentEncoding.FormEncode(field.Key)}={AwsPercentEncoding.FormEncode(field.Value)}"));
    }

    internal static XElement ParseResult(string action, byte[] body)
    {
        XElement root;
        try
        {
            using var stream = new MemoryStream(body);
            using var reader = XmlReader.Create(stream, SafeXml.Settings);
            root = XDocument.Load(reader).Root
                ?? throw new InvalidOperationException($"{action} answered with an empty XML document.");
        }
        catch (XmlException exception)
        {
            throw new InvalidOperationException($"{action} answered with a body that is not XML.", exception);
        }

        if (root.Name.LocalName != action + "Response")
        {
            throw new InvalidOperationException($"{action} answered with <{root.Name.LocalName}>, not <{action}Response>.");
        }

        return root.Element(root.Name.Namespace + (action + "Result")) ?? new XElement(root.Name.Namespace + (action + "Result"));
    }
}
