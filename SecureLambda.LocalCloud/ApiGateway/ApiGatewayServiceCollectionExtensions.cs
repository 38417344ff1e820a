using Microsoft.Extensions.DependencyInjection.Extensions;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.ApiGateway;

public static class ApiGatewayServiceCollectionExtensions
{
    /// <summary>
    /// The REST API data plane: stages from the provisioned stack, the request pipeline, and the engine watch that
    /// provisions the stack again and rebuilds the stages when the engine comes back empty.
    /// </summary>
    public static IServiceCollection AddApiGateway(this IServiceCollection services)
    {
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GatewayStages>();
        services.TryAddSingleton<GatewayPipeline>();
        services.AddHostedService<DataPlaneStartup>();
        services.AddOptions<EngineWatchOptions>().BindConfiguration(EngineWatchOptions.Section);
        services.TryAddSingleton<EngineStateMonitor>();
        services.AddHostedService(provider => provider.GetRequiredService<EngineStateMonitor>());
        services.AddHealthChecks().AddCheck<EngineStateHealthCheck>(EngineStateHealthCheck.Name);
        return services;
    }
}
