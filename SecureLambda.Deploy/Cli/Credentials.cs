using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Sdk;

namespace SecureLambda.Deploy.Cli;

/// <summary>
/// The deployer's credentials for the whole run: one AWSSDK credentials object that both our own clients (through
/// <see cref="Provider"/>, asked on every request) and AWSSDK.S3 use, so SSO and assumed-role sessions refresh while a
/// long stack operation is watched instead of expiring halfway.
/// </summary>
public sealed record DeployCredentials(AWSCredentials Sdk)
{
    public IAwsCredentialsProvider Provider { get; } = Sdk.ToCredentialsProvider();
}

/// <summary>Where the deployer's credentials come from.</summary>
public interface ICredentialSource
{
    /// <exception cref="DeployException">No credentials (exit code 2).</exception>
    Task<DeployCredentials> ResolveAsync(string? profile, CancellationToken cancellationToken);
}

public static class NoCredentials
{
    public const string Message =
        "No AWS credentials found: run `aws configure` or `aws sso login`, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";

    public static DeployException Error(string? detail = null) =>
        new(detail is null ? Message : $"{Message} ({detail})", ExitCodes.Usage);
}

/// <summary>
/// The standard AWS chain of AWSSDK.Core 4.1 (environment, shared config and credentials files, IAM Identity Center,
/// assume-role and web identity, container and instance roles): <see cref="DefaultAWSCredentialsIdentityResolver"/>; a
/// named profile through <see cref="CredentialProfileStoreChain"/>. AWSSDK.SSO, AWSSDK.SSOOIDC and AWSSDK.SecurityToken
/// are referenced because the SDK loads them for SSO and assume-role profiles.
/// </summary>
public sealed class AwsSdkCredentialSource : ICredentialSource
{
    public async Task<DeployCredentials> ResolveAsync(string? profile, CancellationToken cancellationToken)
    {
        AWSCredentials credentials;
        if (profile is not null)
        {
            if (!new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out credentials))
            {
                throw NoCredentials.Error($"profile '{profile}' not found");
            }
        }
        else
        {
            try
            {
                credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials();
            }
            catch (AmazonClientException)
            {
                throw NoCredentials.Error();
            }
        }

        try
        {
            // Resolve once now, so that an expired SSO login fails here in one line, not halfway through the deploy.
            await credentials.GetCredentialsAsync();
        }
        catch (AmazonClientException error)
        {
            throw NoCredentials.Error(error.Message);
        }

        return new DeployCredentials(credentials);
    }
}

/// <summary>Credentials from an (injected) environment only: what tests use, and what an empty environment cannot give.</summary>
public sealed class EnvironmentCredentialSource(Func<string, string?> getEnvironmentVariable) : ICredentialSource
{
    public Task<DeployCredentials> ResolveAsync(string? profile, CancellationToken cancellationToken)
    {
        AwsCredentials credentials;
        try
        {
            credentials = new EnvironmentCredentialsProvider(getEnvironmentVariable).GetCredentials();
        }
        catch (InvalidOperationException)
        {
            throw NoCredentials.Error();
        }

        return Task.FromResult(new DeployCredentials(credentials.ToSdkCredentials()));
    }
}
