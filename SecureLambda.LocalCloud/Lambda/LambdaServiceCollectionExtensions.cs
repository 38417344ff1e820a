using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SecureLambda.Aws.Core;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>Options of the local Lambda (section <c>LocalCloud:Lambda</c>).</summary>
public sealed class LocalLambdaOptions
{
    public const string Section = "LocalCloud:Lambda";

    /// <summary>Synchronous invocations that may wait for a free function process before new ones are refused.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100_000)]
    public int QueueCapacity { get; set; } = LocalFunction.DefaultQueueCapacity;

    /// <summary>The wait before an asynchronous event is retried (AWS: about 1, then 2 minutes).</summary>
    public TimeSpan AsyncRetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}

public static class LambdaServiceCollectionExtensions
{
    /// <summary>The Runtime API, synchronous and asynchronous invocation, and SNS → Lambda delivery from engine queues.</summary>
    public static IServiceCollection AddLocalLambda(this IServiceCollection services)
    {
        services.AddOptions<LocalLambdaOptions>().BindConfiguration(LocalLambdaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LambdaFunctions>();
        services.TryAddSingleton<LambdaInvoker>();
        services.TryAddSingleton<AsyncDeliverySubscriptions>();
        services.TryAddSingleton<IAmazonSQS>(provider => CreateSqsClient(name => provider.GetRequiredService<IConfiguration>()[name]));
        services.TryAddSingleton<EventInvocations>();
        services.AddHostedService(sp => sp.GetRequiredService<EventInvocations>());
        services.AddHostedService<AsyncDeliveryWorker>();
        return services;
    }

    /// <summary>An SQS client for the engine: endpoint, region and credentials from the standard AWS variables.</summary>
    public static AmazonSQSClient CreateSqsClient(Func<string, string?> variable)
    {
        var region = AwsRegion.FromEnvironment(variable);
        var endpoint = new AwsEndpointResolver(variable).Resolve(AwsServiceDescriptor.Sqs, region);
        var config = new AmazonSQSConfig
        {
            ServiceURL = endpoint.ToString(),
            AuthenticationRegion = region,
            RetryMode = RequestRetryMode.Standard,
        };
        var accessKey = variable("AWS_ACCESS_KEY_ID");
        var secretKey = variable("AWS_SECRET_ACCESS_KEY");
        if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey))
        {
            return new AmazonSQSClient(config);
        }

        AWSCredentials credentials = variable("AWS_SESSION_TOKEN") is { Length: > 0 } token
            ? new SessionAWSCredentials(accessKey, secretKey, token)
            : new BasicAWSCredentials(accessKey, secretKey);
        return new AmazonSQSClient(credentials, config);
    }
}
