using Amazon.Runtime;
using SecureLambda.Aws.Core;

namespace SecureLambda.Aws.Sdk;

/// <summary>
/// The one bridge between our credentials (<see cref="IAwsCredentialsProvider"/>, asked on every attempt) and the
/// AWSSDK packages' <see cref="AWSCredentials"/>, in both directions, so that AWSSDK.SQS, AWSSDK.S3 and
/// AWSSDK.SecurityToken sign with exactly the credentials our own clients sign with.
/// </summary>
public static class AwsSdkCredentials
{
    /// <summary>AWSSDK credentials that ask <paramref name="provider"/> on every request, so rotated credentials are picked up.</summary>
    public static AWSCredentials ToSdkCredentials(this IAwsCredentialsProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return new ProviderCredentials(provider);
    }

    /// <summary>Fixed AWSSDK credentials, with the session token when there is one.</summary>
    public static AWSCredentials ToSdkCredentials(this AwsCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return credentials.SessionToken is null
            ? new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey)
            : new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken);
    }

    /// <summary>
    /// A provider over AWSSDK credentials; the SDK caches and refreshes (SSO, assumed roles) behind each call, so a long
    /// run keeps signing with fresh credentials.
    /// </summary>
    public static IAwsCredentialsProvider ToCredentialsProvider(this AWSCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return new SdkCredentialsProvider(credentials);
    }

    private sealed class ProviderCredentials(IAwsCredentialsProvider provider) : AWSCredentials
    {
        public override ImmutableCredentials GetCredentials() => GetCredentialsAsync().GetAwaiter().GetResult();

        public override async Task<ImmutableCredentials> GetCredentialsAsync()
        {
            var credentials = await provider.GetCredentialsAsync(CancellationToken.None);
            return new ImmutableCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken);
        }
    }

    private sealed class SdkCredentialsProvider(AWSCredentials credentials) : IAwsCredentialsProvider
    {
        public async ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
        {
            var current = await credentials.GetCredentialsAsync();
            return new AwsCredentials(current.AccessKey, current.SecretKey, string.IsNullOrEmpty(current.Token) ? null : current.Token);
        }
    }
}
