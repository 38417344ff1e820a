using Amazon.Runtime;
using Amazon.SQS;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Protocols;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// The engine's service APIs as the provisioners call them: our own JSON 1.1 and Query clients for the services whose
/// SDK packages are not served here, AWSSDK.SQS for SQS. Endpoints come from <c>AWS_ENDPOINT_URL[_SERVICE]</c> through
/// <see cref="AwsClientContext"/>.
/// </summary>
public sealed class EngineClients : IDisposable
{
    public EngineClients(HttpClient http, AwsClientContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        Cognito = new AwsJsonProtocolClient(http, context, AwsServiceDescriptor.CognitoIdentityProvider, "AWSCognitoIdentityProviderService");
        SecretsManager = new AwsJsonProtocolClient(http, context, AwsServiceDescriptor.SecretsManager, "secretsmanager");
        Sns = new AwsQueryProtocolClient(http, context, AwsServiceDescriptor.Sns, "2010-03-31");
        Sqs = new AmazonSQSClient(
            new ProviderCredentials(context.Credentials),
            new AmazonSQSConfig
            {
                ServiceURL = context.Endpoints.Resolve(AwsServiceDescriptor.Sqs, context.Region).ToString(),
                AuthenticationRegion = context.Region,
            });
    }

    public AwsClientContext Context { get; }

    public AwsJsonProtocolClient Cognito { get; }

    public AwsJsonProtocolClient SecretsManager { get; }

    public AwsQueryProtocolClient Sns { get; }

    public IAmazonSQS Sqs { get; }

    public void Dispose() => Sqs.Dispose();

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
