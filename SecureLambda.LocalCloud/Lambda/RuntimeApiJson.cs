using System.Text.Json.Serialization;

namespace SecureLambda.LocalCloud.Lambda;

internal sealed record RuntimeStatus([property: JsonPropertyName("status")] string Status);

internal sealed record RuntimeError(
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("errorType")] string ErrorType);

[JsonSerializable(typeof(RuntimeStatus))]
[JsonSerializable(typeof(RuntimeError))]
internal sealed partial class RuntimeApiJsonContext : JsonSerializerContext;
