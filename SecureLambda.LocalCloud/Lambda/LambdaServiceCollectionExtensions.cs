using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Engine;
using SecureLambda.LocalCloud.Faults;
using SecureLambda.LocalCloud.Iam;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>Options of the local Lambda (section <c>LocalCloud:Lambda</c>).</summary>
public sealed class LocalLambdaOptions
{
    public const string Section = "LocalCloud:Lambda";

    /// <summary>Synchronous invocations that may wait for a free function process before new ones are refused.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100_000)]
    public int QueueCapacity { get; set; } = LocalFunction.DefaultQueueCapacity;

    /// <summary>Each function's Runtime API secret, by logical id (see <see cref="RuntimeApiKeys"/>).</summary>
    public Dictionary<string, string> RuntimeApiSecrets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Each function's role-session credentials, by logical id: a process that signs with them calls AWS as the
    /// function's execution role (see <see cref="AwsEndpoint.AwsCallers"/>).
    /// </summary>
    public Dictionary<string, AwsEndpoint.FunctionCredentialsOptions> Credentials { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The wait before an asynchronous event is retried (AWS: about 1, then 2 minutes).</summary>
    public TimeSpan AsyncRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The file of Lambda's asynchronous event queue, which outlives LocalCloud (<see cref="AsyncEventStore"/>); empty
    /// keeps it in memory, for as long as the process lives.
    /// </summary>
    public string? EventQueuePath { get; set; }
}

public static class LambdaServiceCollectionExtensions
{
    /// <summary>
    /// The Runtime API, and synchronous and asynchronous invocation (SNS's included), for the functions of the published
    /// <see cref="DataPlaneState"/> model.
    /// </summary>
    public static IServiceCollection AddLocalLambda(this IServiceCollection services)
    {
        services.AddOptions<LocalLambdaOptions>().BindConfiguration(LocalLambdaOptions.Section).ValidateDataAnnotations()
            .Validate(
                options => options.RuntimeApiSecrets.Values.All(secret => secret.Length >= RuntimeApiKeys.MinimumSecretLength && secret.All(char.IsAsciiLetterOrDigit)),
                $"Every LocalCloud:Lambda:RuntimeApiSecrets value must be at least {RuntimeApiKeys.MinimumSecretLength} letters or digits (for example `openssl rand -hex 16`).")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DataPlaneState>();
        services.TryAddSingleton<LambdaFunctions>();
        services.TryAddSingleton<AccountCredentials>();
        services.TryAddSingleton<RuntimeApiKeys>();
        services.AddFaultInjection();
        services.TryAddSingleton<LambdaInvoker>();
        services.AddEngineClients();
        services.AddIam();
        services.TryAddSingleton<AsyncFailureRouter>();
        services.TryAddSingleton(sp => new AsyncEventStore(sp.GetRequiredService<IOptions<LocalLambdaOptions>>().Value.EventQueuePath));
        services.TryAddSingleton<AsyncInvocations>();
        services.AddHostedService(sp => sp.GetRequiredService<AsyncInvocations>());
        return services;
    }
}
