using System.Text.Json.Serialization;

namespace SecureLambda.Aws.Lambda;

/// <summary>
/// Lambda's <c>FunctionConfiguration</c>, as <c>GetFunctionConfiguration</c> answers it: the fields a stack defines and a
/// process running the function needs. LocalCloud writes it and <see cref="LambdaClient"/> reads it, so the shape is
/// written once (https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionConfiguration.html).
/// </summary>
public sealed record FunctionConfiguration(
    string FunctionName,
    string FunctionArn,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Runtime,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Handler,
    int Timeout,
    int MemorySize,
    FunctionEnvironment? Environment,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Version = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PackageType = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? State = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LastUpdateStatus = null)
{
    /// <summary>The environment variables, none when the function has no <c>Environment</c>.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, string> Variables => Environment?.Variables ?? new Dictionary<string, string>();
}

/// <summary>Lambda's <c>EnvironmentResponse</c>.</summary>
public sealed record FunctionEnvironment(IReadOnlyDictionary<string, string>? Variables);

[JsonSerializable(typeof(FunctionConfiguration))]
public sealed partial class LambdaJsonContext : JsonSerializerContext;
