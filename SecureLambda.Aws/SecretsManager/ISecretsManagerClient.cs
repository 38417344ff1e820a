namespace SecureLambda.Aws.SecretsManager;

/// <summary>The one Secrets Manager operation SecureLambda calls.</summary>
public interface ISecretsManagerClient
{
    /// <summary>
    /// <c>GetSecretValue</c>: returns the secret's <c>SecretString</c>.
    /// Throws <see cref="Core.AwsServiceException"/> for an AWS error reply.
    /// </summary>
    Task<string> GetSecretStringAsync(string secretId, CancellationToken cancellationToken = default);
}
