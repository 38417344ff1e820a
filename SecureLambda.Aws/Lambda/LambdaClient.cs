using System.Text.Json;
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
