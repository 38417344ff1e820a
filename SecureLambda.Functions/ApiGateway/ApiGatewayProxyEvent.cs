using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureLambda.Functions.ApiGateway;

/// <summary>
/// The REST API (v1) Lambda proxy integration event, payload format 1.0; only the members this function reads.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
/// </summary>
public sealed record ApiGatewayProxyRequest
{
    public string? Resource { get; init; }

    public string? Path { get; init; }

    public string? HttpMethod { get; init; }

    public Dictionary<string, string>? Headers { get; init; }

    public ApiGatewayRequestContext? RequestContext { get; init; }

    public string? Body { get; init; }

    public bool IsBase64Encoded { get; init; }
}

public sealed record ApiGatewayRequestContext
{
    public string? RequestId { get; init; }

    public string? Stage { get; init; }

    public string? ResourcePath { get; init; }

    public ApiGatewayAuthorizerContext? Authorizer { get; init; }
}

/// <summary>For a Cognito user pool authorizer, <c>claims</c> holds the ID token's claims, every value a string.</summary>
public sealed record ApiGatewayAuthorizerContext
{
    public Dictionary<string, string>? Claims { get; init; }
}

/// <summary>The proxy response; API Gateway turns it into the HTTP answer.</summary>
public sealed record ApiGatewayProxyResponse(
    int StatusCode,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    bool IsBase64Encoded = false)
{
    private static readonly IReadOnlyDictionary<string, string> JsonHeaders =
        new Dictionary<string, string> { ["Content-Type"] = "application/json" };

    /// <summary>An answer whose body is <c>{"message": …}</c>, the shape every answer of this API has.</summary>
    public static ApiGatewayProxyResponse Message(int statusCode, string message) =>
        new(statusCode, JsonHeaders, JsonSerializer.Serialize(new MessageBody(message), ApiGatewayJsonContext.Relaxed.MessageBody));
}

public sealed record MessageBody(string Message);

/// <summary>camelCase like the event; relaxed escaping so that a name like "Zoë" reads as itself in the answer.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ApiGatewayProxyRequest))]
[JsonSerializable(typeof(ApiGatewayProxyResponse))]
[JsonSerializable(typeof(MessageBody))]
public sealed partial class ApiGatewayJsonContext : JsonSerializerContext
{
    public static ApiGatewayJsonContext Relaxed { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
