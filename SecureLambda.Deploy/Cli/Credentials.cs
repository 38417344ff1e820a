using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using SecureLambda.Aws.Core;

namespace SecureLambda.Deploy.Cli;

/// <summary>Where the deployer's credentials come from; resolved once, before anything is built.</summary>
public interface ICredentialSource
{
    /// <exception cref="DeployException">No credentials (exit code 2).</exception>
    Task<AwsCredentials> ResolveAsync(string? profile, CancellationToken cancellationToken);
}

public static class NoCredentials
{
    public const string Message =
        "No AWS credentials found: run `aws configure`, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";

    public static DeployException Error(string? detail = null) =>
        new(detail is null ? Message : $"{Message} ({detail})", ExitCodes.Usage);
}

/// <summary>
/// The standard AWS chain of AWSSDK.Core 4.1 (environment, shared config and credentials files, SSO, web identity,
/// container and instance roles): <see cref="DefaultAWSCredentialsIdentityResolver"/>; a named profile through
/// <see cref="CredentialProfileStoreChain"/>.
/// </summary>
public sealed class AwsSdkCredentialSource : ICredentialSource
{
    public async Task<AwsCredentials> ResolveAsync(string? profile, CancellationToken cancellationToken)
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
            var resolved = await credentials.GetCredentialsAsync();
            return new AwsCredentials(resolved.AccessKey, resolved.SecretKey, string.IsNullOrEmpty(resolved.Token) ? null : resolved.Token);
        }
        catch (AmazonClientException error)
        {
            throw NoCredentials.Error(error.Message);
        }
    }
}

/// <summary>Credentials from an (injected) environment only: what tests use, and what an empty environment cannot give.</summary>
public sealed class EnvironmentCredentialSource(Func<string, string?> getEnvironmentVariable) : ICredentialSource
{
    public Task<AwsCredentials> ResolveAsync(string? profile, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult(new EnvironmentCredentialsProvider(getEnvironmentVariable).GetCredentials());
        }
        catch (InvalidOperationException)
        {
            throw NoCredentials.Error();
        }
    }
}

/// <summary>Fixed credentials behind our clients' provider interface.</summary>
internal sealed class StaticCredentialsProvider(AwsCredentials credentials) : IAwsCredentialsProvider
{
    public ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken) => ValueTask.FromResult(credentials);
}
