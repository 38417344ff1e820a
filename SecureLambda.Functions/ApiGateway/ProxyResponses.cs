using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using SecureLambda.Aws.Lambda.Events;

namespace SecureLambda.Functions.ApiGateway;

/// <summary>The answers of this API: every body is <c>{"message": …}</c>, as API Gateway's own answers are.</summary>
public static class ProxyResponses
{
    private static readonly IReadOnlyDictionary<string, string> JsonHeaders =
        new Dictionary<string, string> { ["Content-Type"] = "application/json" };

    /// <summary>Relaxed escaping, so that a name like "Zoë" reads as itself in the answer.</summary>
    private static readonly MessageJsonContext Relaxed = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static ApiGatewayProxyResponse Message(int statusCode, string message) =>
        new(statusCode, JsonHeaders, JsonSerializer.Serialize(new MessageBody(message), Relaxed.MessageBody));
}

public sealed record MessageBody(string Message);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MessageBody))]
internal sealed partial class MessageJsonContext : JsonSerializerContext;
