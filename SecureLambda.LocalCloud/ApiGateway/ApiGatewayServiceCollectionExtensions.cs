using Microsoft.Extensions.DependencyInjection.Extensions;
using SecureLambda.LocalCloud.ApiGateway.UsagePlans;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Iam;

namespace SecureLambda.LocalCloud.ApiGateway;

public static class ApiGatewayServiceCollectionExtensions
{
    /// <summary>The REST API data plane: the request pipeline over the stages of the published <see cref="DataPlaneState"/> model.</summary>
    public static IServiceCollection AddApiGateway(this IServiceCollection services)
    {
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DataPlaneState>();
        services.AddIam();
        services.TryAddSingleton<AuthorizerStep>();
        services.TryAddSingleton<UsageMeter>();
        services.TryAddSingleton<ApiKeyStep>();
        services.TryAddSingleton<LambdaProxyIntegration>();
        services.TryAddSingleton<GatewayPipeline>();
        return services;
    }
}
