using System.Text.Json;
using System.Text.Json.Serialization;
using SecureLambda.Aws.Core;

namespace SecureLambda.Aws.SecretsManager;

/// <summary>
/// <c>GetSecretValue</c> over the JSON 1.1 protocol, without the AWS SDK package that is not served here
/// (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html).
/// </summary>
public sealed class SecretsManagerClient(HttpClient http, AwsClientContext context) : ISecretsManagerClient
{
    private const string ContentType = "application/x-amz-json-1.1";

    private readonly AwsHttpInvoker _invoker = new(http, context, AwsServiceDescriptor.SecretsManager, AwsProtocol.Json11);

    public async Task<string> GetSecretStringAsync(string secretId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new GetSecretValueRequest(secretId),
            SecretsManagerJsonContext.Default.GetSecretValueRequest);
        var response = await _invoker.SendAsync(
            new AwsOperationRequest("GetSecretValue", body, ContentType, "secretsmanager.GetSecretValue"),
            cancellationToken);

        var reply = JsonSerializer.Deserialize(response.Body, SecretsManagerJsonContext.Default.GetSecretValueResponse)
            ?? throw new InvalidOperationException($"Secrets Manager answered GetSecretValue for '{secretId}' with an empty body.");
        return reply.SecretString
            ?? throw new InvalidOperationException(
                reply.SecretBinary is null
                    ? $"Secret '{secretId}' has no SecretString in its current version."
                    : $"Secret '{secretId}' holds SecretBinary, not SecretString; store the value as a string secret.");
    }
}

internal sealed record GetSecretValueRequest(string SecretId);

internal sealed record GetSecretValueResponse(string? Name, string? VersionId, string? SecretString, string? SecretBinary);

[JsonSerializable(typeof(GetSecretValueRequest))]
[JsonSerializable(typeof(GetSecretValueResponse))]
internal sealed partial class SecretsManagerJsonContext : JsonSerializerContext;
