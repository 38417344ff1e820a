using Microsoft.Extensions.DependencyInjection.Extensions;
using SecureLambda.LocalCloud.Iam;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.DataPlane;

public static class DataPlaneServiceCollectionExtensions
{
    /// <summary>
    /// The data-plane model built from the provisioned stack and published through <see cref="DataPlaneState"/>, and the
    /// engine watch that provisions the stack again and rebuilds the model when the engine comes back empty. Needs
    /// <see cref="ProvisioningServiceCollectionExtensions.AddStackProvisioning"/>.
    /// </summary>
    public static IServiceCollection AddDataPlane(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DataPlaneState>();
        services.AddIam();
        services.AddHostedService<DataPlaneStartup>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStackReprovisioned, DataPlaneRebuild>());
        services.AddOptions<EngineWatchOptions>().BindConfiguration(EngineWatchOptions.Section);
        services.TryAddSingleton<EngineStateMonitor>();
        services.AddHostedService(provider => provider.GetRequiredService<EngineStateMonitor>());
        services.AddHealthChecks().AddCheck<EngineStateHealthCheck>(EngineStateHealthCheck.Name);
        return services;
    }
}
