using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SecureLambda.LocalCloud.ApiGateway;

public static class ApiGatewayServiceCollectionExtensions
{
    /// <summary>The REST API data plane: stages from the provisioned stack and the request pipeline.</summary>
    public static IServiceCollection AddApiGateway(this IServiceCollection services)
    {
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GatewayStages>();
        services.TryAddSingleton<GatewayPipeline>();
        services.AddHostedService<DataPlaneStartup>();
        return services;
    }
}
