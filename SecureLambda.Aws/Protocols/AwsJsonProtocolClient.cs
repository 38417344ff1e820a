using System.Text.Json;
using System.Text.Json.Nodes;
using SecureLambda.Aws.Core;

namespace SecureLambda.Aws.Protocols;

/// <summary>
/// Any operation of a JSON 1.1 service (Cognito IdP, Secrets Manager, ...): the request and reply are the operation's
/// JSON shapes exactly as the service's API reference documents them, and <c>X-Amz-Target</c> picks the operation
/// (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html). Errors surface as <see cref="AwsServiceException"/>.
/// </summary>
public sealed class AwsJsonProtocolClient
{
    private const string ContentType = "application/x-amz-json-1.1";

    private readonly AwsHttpInvoker _invoker;
    private readonly string _targetPrefix;

    /// <param name="targetPrefix">The service's target prefix, for example <c>AWSCognitoIdentityProviderService</c> or <c>secretsmanager</c>.</param>
    public AwsJsonProtocolClient(HttpClient http, AwsClientContext context, AwsServiceDescriptor service, string targetPrefix)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrWhiteSpace(targetPrefix);
        _invoker = new AwsHttpInvoker(http, context, service, AwsProtocol.Json11);
        _targetPrefix = targetPrefix;
    }

    /// <summary>The endpoint the calls go to, resolved from the context's endpoint variables.</summary>
    public Uri Endpoint => _invoker.Endpoint;

    /// <summary>Calls <paramref name="operation"/> and returns its reply object (empty when the service sent no body).</summary>
    public async Task<JsonObject> CallAsync(string operation, JsonObject request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(operation);
        ArgumentNullException.ThrowIfNull(request);

        var body = Serialize(request);
        var response = await _invoker.SendAsync(
            new AwsOperationRequest(operation, body, ContentType, $"{_targetPrefix}.{operation}"),
            cancellationToken);
        if (response.Body.Length == 0)
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(response.Body) as JsonObject
                ?? throw new InvalidOperationException($"{_targetPrefix}.{operation} answered with JSON that is not an object.");
        }
        catch (JsonException exception)
        {
            throw new InvalidOperationException($"{_targetPrefix}.{operation} answered with a body that is not JSON.", exception);
        }
    }

    private static byte[] Serialize(JsonObject request)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            request.WriteTo(writer);
        }

        return buffer.ToArray();
    }
}
