using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;
using System.Xml.Linq;

namespace SecureLambda.Aws.Core;

/// <summary>The wire protocols our clients speak, which differ in how an error reply is shaped.</summary>
internal enum AwsProtocol
{
    /// <summary><c>application/x-amz-json-1.1</c> with <c>X-Amz-Target</c> (Secrets Manager, Cognito).</summary>
    Json11,

    /// <summary>Form-encoded POST with an XML reply (SNS).</summary>
    Query,

    /// <summary>
    /// REST with JSON bodies (Lambda): the error's name is in <c>x-amzn-ErrorType</c>, and the body's <c>Type</c> is
    /// only <c>User</c> or <c>Service</c> (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html).
    /// </summary>
    RestJson1,
}

/// <summary>Turns an AWS error reply into an <see cref="AwsServiceException"/> carrying the service's own code.</summary>
internal static class AwsErrorParser
{
    private const string RequestIdHeader = "x-amzn-RequestId";
    private const string ErrorTypeHeader = "x-amzn-ErrorType";

    public static AwsServiceException Parse(
        AwsProtocol protocol,
        AwsServiceDescriptor service,
        HttpStatusCode statusCode,
        HttpResponseHeaders headers,
        byte[] body)
    {
        var requestId = Header(headers, RequestIdHeader) ?? Header(headers, "x-amz-request-id");
        var (code, message, bodyRequestId) = protocol == AwsProtocol.Query ? FromXml(body) : FromJson(body);

        // The JSON protocols may name the error only in x-amzn-ErrorType, as "Code:http://internal.amazon.com/...";
        // REST-JSON names it there first.
        code = protocol == AwsProtocol.RestJson1 ? Header(headers, ErrorTypeHeader) ?? code : code ?? Header(headers, ErrorTypeHeader);
        code = NormalizeCode(code) ?? ((int)statusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new AwsServiceException(
            service.ClientName,
            code,
            message ?? statusCode.ToString(),
            statusCode,
            requestId ?? bodyRequestId);
    }

    /// <summary>
    /// <c>__type</c> may be namespaced (<c>com.amazonaws.secretsmanager#ResourceNotFoundException</c>) and the header
    /// form may carry a suffix after <c>:</c>; botocore strips both, and so do we.
    /// </summary>
    internal static string? NormalizeCode(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var hash = code.LastIndexOf('#');
        if (hash >= 0)
        {
            code = code[(hash + 1)..];
        }

        var colon = code.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            code = code[..colon];
        }

        code = code.Trim();
        return code.Length == 0 ? null : code;
    }

    private static (string? Code, string? Message, string? RequestId) FromJson(byte[] body)
    {
        if (body.Length == 0)
        {
            return (null, null, null);
        }

        try
        {
            var error = JsonSerializer.Deserialize(body, AwsErrorJsonContext.Default.AwsJsonError);
            return (error?.Type ?? error?.Code, error?.LowerMessage ?? error?.Message, null);
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): the status and the x-amzn-ErrorType header still say what happened.
            return (null, null, null);
        }
    }

    private static (string? Code, string? Message, string? RequestId) FromXml(byte[] body)
    {
        if (body.Length == 0)
        {
            return (null, null, null);
        }

        try
        {
            using var stream = new MemoryStream(body);
            using var reader = XmlReader.Create(stream, SafeXml.Settings);
            var root = XDocument.Load(reader).Root;
            var error = root?.DescendantsAndSelf().FirstOrDefault(element => element.Name.LocalName == "Error");
            return (
                Child(error, "Code"),
                Child(error, "Message") ?? Child(error, "message"),
                root?.Descendants().FirstOrDefault(element => element.Name.LocalName == "RequestId")?.Value);
        }
        catch (XmlException)
        {
            return (null, null, null);
        }
    }

    private static string? Child(XElement? parent, string localName) =>
        parent?.Elements().FirstOrDefault(element => element.Name.LocalName == localName)?.Value;

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

/// <summary>Reader settings for service replies: no DTDs, no external resolution.</summary>
internal static class SafeXml
{
    public static XmlReaderSettings Settings { get; } = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
    };
}

/// <summary>A JSON 1.x error body: <c>{"__type": "...", "message": "..."}</c>; some services capitalise the message key.</summary>
internal sealed record AwsJsonError(
    [property: JsonPropertyName("__type")] string? Type,
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("message")] string? LowerMessage,
    [property: JsonPropertyName("Message")] string? Message);

[JsonSerializable(typeof(AwsJsonError))]
internal sealed partial class AwsErrorJsonContext : JsonSerializerContext;
