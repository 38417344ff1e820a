using System.Text.Json;
using System.Text.Json.Serialization;
using SecureLambda.Aws.Core;

namespace SecureLambda.Aws.Lambda;

/// <summary>
/// Lambda's control plane over its REST-JSON protocol, without the AWS SDK package that is not served here: the one
/// operation SecureLambda calls, <c>GetFunctionConfiguration</c> (https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionConfiguration.html).
/// </summary>
public sealed class LambdaClient
{
    private readonly AwsHttpInvoker _invoker;

    public LambdaClient(HttpClient http, AwsClientContext context) =>
        _invoker = new AwsHttpInvoker(http, context, AwsServiceDescriptor.Lambda, AwsProtocol.RestJson1);

    /// <summary>The endpoint the calls go to (<c>AWS_ENDPOINT_URL_LAMBDA</c> or <c>AWS_ENDPOINT_URL</c> locally).</summary>
    public Uri Endpoint => _invoker.Endpoint;

    /// <summary>The function's configuration, by name or ARN; throws <c>ResourceNotFoundException</c> for an unknown one.</summary>
    public async Task<FunctionConfiguration> GetFunctionConfigurationAsync(string function, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(function);
        var response = await _invoker.SendAsync(
            new AwsOperationRequest("GetFunctionConfiguration", [], "application/json")
            {
                Method = HttpMethod.Get,
                PathAndQuery = $"/2015-03-31/functions/{Uri.EscapeDataString(function)}/configuration",
            },
            cancellationToken);
        try
        {
            return JsonSerializer.Deserialize(response.Body, LambdaJsonContext.Default.FunctionConfiguration)
                ?? throw new InvalidOperationException("Lambda.GetFunctionConfiguration answered with JSON null.");
        }
        catch (JsonException exception)
        {
            throw new InvalidOperationException("Lambda.GetFunctionConfiguration answered with a body that is not its JSON reply.", exception);
        }
    }
}

/// <summary>The parts of Lambda's <c>FunctionConfiguration</c> that a process running the function needs.</summary>
public sealed record FunctionConfiguration(
    string FunctionName,
    string FunctionArn,
    string? Handler,
    string? Runtime,
    int Timeout,
    int MemorySize,
    FunctionEnvironment? Environment)
{
    /// <summary>The environment variables, none when the function has no <c>Environment</c>.</summary>
    public IReadOnlyDictionary<string, string> Variables => Environment?.Variables ?? new Dictionary<string, string>();
}

/// <summary>Lambda's <c>EnvironmentResponse</c>.</summary>
public sealed record FunctionEnvironment(IReadOnlyDictionary<string, string>? Variables);

[JsonSerializable(typeof(FunctionConfiguration))]
internal sealed partial class LambdaJsonContext : JsonSerializerContext;
