using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
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
        ArgumentNullException.ThrowIfNull(request);
        var response = await SendAsync(operation, Serialize(request), signed: true, cancellationToken);
        if (response.Length == 0)
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(response) as JsonObject
                ?? throw new InvalidOperationException($"{_targetPrefix}.{operation} answered with JSON that is not an object.");
        }
        catch (JsonException exception)
        {
            throw new InvalidOperationException($"{_targetPrefix}.{operation} answered with a body that is not JSON.", exception);
        }
    }

    /// <summary>
    /// Calls <paramref name="operation"/> with a request and reply of source-generated types, so a typed client stays
    /// AOT-clean. An empty reply body reads as <c>{}</c>. Pass <paramref name="signed"/> false only for the operations
    /// AWS serves without SigV4.
    /// </summary>
    internal async Task<TResponse> CallAsync<TRequest, TResponse>(
        string operation,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken,
        bool signed = true)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        var response = await SendAsync(operation, body, signed, cancellationToken);
        try
        {
            return JsonSerializer.Deserialize(response.Length == 0 ? "{}"u8 : response, responseType)
                ?? throw new InvalidOperationException($"{_targetPrefix}.{operation} answered with JSON null.");
        }
        catch (JsonException exception)
        {
            throw new InvalidOperationException($"{_targetPrefix}.{operation} answered with a body that is not its JSON reply.", exception);
        }
    }

    private async Task<byte[]> SendAsync(string operation, byte[] body, bool signed, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(operation);
        var response = await _invoker.SendAsync(
            new AwsOperationRequest(operation, body, ContentType, $"{_targetPrefix}.{operation}") { IsUnsigned = !signed },
            cancellationToken);
        return response.Body;
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
