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

    /// <summary>The function binary LocalCloud starts execution environments from; unset, it starts none and serves whatever process polls.</summary>
    public LambdaBootstrapOptions Bootstrap { get; set; } = new();

    /// <summary>
    /// Each function's bound of execution environments, by logical id, in place of <see cref="MaxEnvironmentsPerFunction"/>
    /// (a debug session pins a function to 1). Past the bound, invocations wait for an environment to be free.
    /// </summary>
    public Dictionary<string, int> Environments { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The most execution environments LocalCloud starts for one function: its <c>ReservedConcurrentExecutions</c> when
    /// that is fewer, else this machine's share (two per processor). Lambda would run more at once, up to the reserved
    /// concurrency; locally, more processes than that only contend for the processors (measured in docs/performance.md),
    /// so the invocations past it wait for a free environment and only those past the reserved concurrency are throttled.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1000)]
    public int MaxEnvironmentsPerFunction { get; set; } = Math.Max(LocalFunction.DefaultMaxEnvironments, 2 * System.Environment.ProcessorCount);

    /// <summary>The bound of the function's execution environments: configured, else the lesser of its reserved concurrency and the machine's share; at least one.</summary>
    public int EnvironmentsOf(LambdaFunctionDefinition function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Math.Max(1, Environments.TryGetValue(function.LogicalId, out var configured)
            ? configured
            : Math.Min(function.ReservedConcurrency ?? MaxEnvironmentsPerFunction, MaxEnvironmentsPerFunction));
    }
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
            .Validate(
                options => options.Environments.Values.All(bound => bound is >= 1 and <= 1000),
                "Every LocalCloud:Lambda:Environments value must be a number of execution environments from 1 to 1000.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DataPlaneState>();
        services.TryAddSingleton<Provisioning.ProvisioningProgress>();
        services.TryAddSingleton<LambdaFunctions>();
        services.TryAddSingleton<AccountCredentials>();
        services.TryAddSingleton<RuntimeApiKeys>();
        services.TryAddSingleton(new ExecutionEnvironmentsConsole(Console.Out));
        services.TryAddSingleton<ExecutionEnvironments>();
        services.AddHostedService(sp => sp.GetRequiredService<ExecutionEnvironments>());
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
