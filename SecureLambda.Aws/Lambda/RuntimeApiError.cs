using System.Text.Json.Serialization;

namespace SecureLambda.Aws.Lambda;

/// <summary>
/// The Runtime API's error document: what a runtime posts to <c>/invocation/{id}/error</c> and <c>/init/error</c>, and
/// what the API answers when it refuses a call. <c>stackTrace</c> is written only when there is one.
/// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
/// </summary>
public sealed record RuntimeApiError(
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("errorType")] string ErrorType,
    [property: JsonPropertyName("stackTrace"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? StackTrace = null)
{
    public static RuntimeApiError FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new(
            exception.Message,
            exception.GetType().Name,
            (exception.StackTrace ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}

/// <summary>The Runtime API's answer to an accepted post: <c>{"status":"OK"}</c>.</summary>
public sealed record RuntimeApiStatus([property: JsonPropertyName("status")] string Status)
{
    public static RuntimeApiStatus Ok { get; } = new("OK");
}

[JsonSerializable(typeof(RuntimeApiError))]
[JsonSerializable(typeof(RuntimeApiStatus))]
public sealed partial class RuntimeApiJsonContext : JsonSerializerContext;
