using System.Text.Json.Serialization;

namespace SecureLambda.Functions.Runtime;

/// <summary>
/// The error document of the Runtime API (<c>/invocation/{id}/error</c> and <c>/init/error</c>):
/// <c>{errorMessage, errorType, stackTrace}</c>.
/// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
/// </summary>
public sealed record LambdaError(
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("errorType")] string ErrorType,
    [property: JsonPropertyName("stackTrace")] IReadOnlyList<string> StackTrace)
{
    public static LambdaError FromException(Exception exception) => new(
        exception.Message,
        exception.GetType().Name,
        (exception.StackTrace ?? string.Empty)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

[JsonSerializable(typeof(LambdaError))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext;
