using Amazon.Runtime;
using Amazon.SQS;
using SecureLambda.Aws.Core;

namespace SecureLambda.LocalCloud;

/// <summary>The engine's SQS through AWSSDK.SQS (served here), with the endpoint, region and credentials of our own clients.</summary>
public static class EngineSqs
{
    public static AmazonSQSClient Create(AwsClientContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new AmazonSQSClient(
            new ProviderCredentials(context.Credentials),
            new AmazonSQSConfig
            {
                ServiceURL = context.Endpoints.Resolve(AwsServiceDescriptor.Sqs, context.Region).ToString(),
                AuthenticationRegion = context.Region,
                RetryMode = RequestRetryMode.Standard,
                // A hung engine costs one bounded wait per call (a receive long-polls 5 s), never a stuck worker.
                Timeout = TimeSpan.FromSeconds(20),
            });
    }

    /// <summary>Lets AWSSDK.SQS sign with the same credentials as our own clients.</summary>
    private sealed class ProviderCredentials(IAwsCredentialsProvider provider) : AWSCredentials
    {
        public override ImmutableCredentials GetCredentials() => GetCredentialsAsync().GetAwaiter().GetResult();

        public override async Task<ImmutableCredentials> GetCredentialsAsync()
        {
            var credentials = await provider.GetCredentialsAsync(CancellationToken.None);
            return new ImmutableCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken);
        }
    }
}
