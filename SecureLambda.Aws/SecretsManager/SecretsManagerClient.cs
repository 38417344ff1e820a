using System.Text.Json.Serialization;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Protocols;

namespace SecureLambda.Aws.SecretsManager;

/// <summary>
/// Secrets Manager over the JSON 1.1 protocol, without the AWS SDK package that is not served here
/// (https://docs.aws.amazon.com/secretsmanager/latest/apireference/Welcome.html).
/// </summary>
public sealed class SecretsManagerClient(AwsJsonProtocolClient json) : ISecretsManagerClient
{
    public const string TargetPrefix = "secretsmanager";

    public SecretsManagerClient(HttpClient http, AwsClientContext context)
        : this(new AwsJsonProtocolClient(http, context, AwsServiceDescriptor.SecretsManager, TargetPrefix))
    {
    }

    /// <summary>https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html</summary>
    public async Task<string> GetSecretStringAsync(string secretId, CancellationToken cancellationToken = default)
    {
        var reply = await GetSecretValueAsync(secretId, cancellationToken);
        return reply.SecretString
            ?? throw new InvalidOperationException(
                reply.SecretBinary is null
                    ? $"Secret '{secretId}' has no SecretString in its current version."
                    : $"Secret '{secretId}' holds SecretBinary, not SecretString; store the value as a string secret.");
    }

    /// <summary>The current version of the secret; throws <c>ResourceNotFoundException</c> when it has none.</summary>
    public Task<SecretValue> GetSecretValueAsync(string secretId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        return json.CallAsync(
            "GetSecretValue", new SecretIdRequest(secretId), SecretsManagerJsonContext.Default.SecretIdRequest, SecretsManagerJsonContext.Default.SecretValue, cancellationToken);
    }

    /// <summary>The secret's ARN (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html).</summary>
    public async Task<string> DescribeSecretArnAsync(string secretId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        var reply = await json.CallAsync(
            "DescribeSecret", new SecretIdRequest(secretId), SecretsManagerJsonContext.Default.SecretIdRequest, SecretsManagerJsonContext.Default.SecretArnResponse, cancellationToken);
        return reply.Arn ?? throw new InvalidOperationException($"DescribeSecret of '{secretId}' answered without ARN.");
    }

    /// <summary>Creates the secret and returns its ARN (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html).</summary>
    public async Task<string> CreateSecretAsync(CreateSecretRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reply = await json.CallAsync(
            "CreateSecret", request, SecretsManagerJsonContext.Default.CreateSecretRequest, SecretsManagerJsonContext.Default.SecretArnResponse, cancellationToken);
        return reply.Arn ?? throw new InvalidOperationException($"CreateSecret of '{request.Name}' answered without ARN.");
    }

    /// <summary>A new current version (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html).</summary>
    public Task PutSecretValueAsync(string secretId, string secretString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        ArgumentNullException.ThrowIfNull(secretString);
        return json.CallAsync(
            "PutSecretValue",
            new PutSecretValueRequest(secretId, secretString),
            SecretsManagerJsonContext.Default.PutSecretValueRequest,
            SecretsManagerJsonContext.Default.SecretArnResponse,
            cancellationToken);
    }
}

/// <summary>What <c>GetSecretValue</c> returns; exactly one of the two values is set.</summary>
public sealed record SecretValue(string? Name, string? VersionId, string? SecretString, string? SecretBinary)
{
    // The value is the secret: keep it out of logs and messages that format the record.
    public override string ToString() => $"SecretValue {{ Name = {Name}, VersionId = {VersionId} }}";
}

/// <summary>The input of <c>CreateSecret</c>; unset members are left out of the request.</summary>
public sealed record CreateSecretRequest(string Name)
{
    public string? Description { get; init; }

    public string? KmsKeyId { get; init; }

    public string? SecretString { get; init; }

    public override string ToString() => $"CreateSecretRequest {{ Name = {Name} }}";
}

internal sealed record SecretIdRequest(string SecretId);

internal sealed record PutSecretValueRequest(string SecretId, string SecretString);

internal sealed record SecretArnResponse([property: JsonPropertyName("ARN")] string? Arn, string? Name);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SecretIdRequest))]
[JsonSerializable(typeof(SecretValue))]
[JsonSerializable(typeof(CreateSecretRequest))]
[JsonSerializable(typeof(PutSecretValueRequest))]
[JsonSerializable(typeof(SecretArnResponse))]
internal sealed partial class SecretsManagerJsonContext : JsonSerializerContext;
