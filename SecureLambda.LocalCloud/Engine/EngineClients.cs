using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SecureLambda.Aws.Cognito;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Sdk;
using SecureLambda.Aws.SecretsManager;
using SecureLambda.Aws.Sns;

namespace SecureLambda.LocalCloud.Engine;

/// <summary>
/// The engine's service APIs, the one holder of LocalCloud's AWS clients: SecureLambda.Aws's typed clients for the
/// services whose SDK packages are not served here, and the one AWSSDK.SQS client that provisioning and async delivery
/// share. Endpoints come from <c>AWS_ENDPOINT_URL[_SERVICE]</c> through <see cref="AwsClientContext"/>.
/// </summary>
public sealed class EngineClients
{
    public const string HttpClientName = "localcloud-engine";

    public EngineClients(HttpClient http, AwsClientContext context, IAmazonSQS sqs)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sqs);
        Context = context;
        Cognito = new CognitoIdentityProviderClient(http, context);
        SecretsManager = new SecretsManagerClient(http, context);
        Sns = new SnsClient(http, context);
        Sqs = sqs;
    }

    public AwsClientContext Context { get; }

    public CognitoIdentityProviderClient Cognito { get; }

    public SecretsManagerClient SecretsManager { get; }

    public SnsClient Sns { get; }

    public IAmazonSQS Sqs { get; }

    /// <summary>AWSSDK.SQS (served here) with the endpoint, region, retries and credentials of our own clients.</summary>
    public static AmazonSQSClient CreateSqs(AwsClientContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var config = new AmazonSQSConfig
        {
            // A hung engine costs one bounded wait per call (a receive long-polls 5 s), never a stuck worker.
            Timeout = TimeSpan.FromSeconds(20),
        };
        AwsSdkClientConfig.Apply(config, context, AwsServiceDescriptor.Sqs);
        return new EngineSqsClient(context.Credentials.ToSdkCredentials(), config);
    }

    /// <summary>AWSSDK.SQS with our retry rule: a <c>SendMessage</c> that may have reached the engine is not sent twice.</summary>
    private sealed class EngineSqsClient(AWSCredentials credentials, AmazonSQSConfig config) : AmazonSQSClient(credentials, config)
    {
        protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
        {
            base.CustomizeRuntimePipeline(pipeline);
            AwsSdkRetryPolicy.Install(pipeline, Config);
        }
    }
}

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// The engine's clients, registered once however many features ask for them: the <see cref="AwsClientContext"/> from
    /// the standard variables (read through configuration, which includes the environment) unless one is registered, the
    /// engine HttpClient, the one <see cref="IAmazonSQS"/> and <see cref="EngineClients"/>.
    /// </summary>
    public static IServiceCollection AddEngineClients(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHttpClient(EngineClients.HttpClientName);
        services.TryAddSingleton(provider => AwsClientContext.FromEnvironment(name => provider.GetRequiredService<IConfiguration>()[name]));
        services.TryAddSingleton<IAmazonSQS>(provider => EngineClients.CreateSqs(provider.GetRequiredService<AwsClientContext>()));
        services.TryAddSingleton(provider => new EngineClients(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(EngineClients.HttpClientName),
            provider.GetRequiredService<AwsClientContext>(),
            provider.GetRequiredService<IAmazonSQS>()));
        return services;
    }
}
