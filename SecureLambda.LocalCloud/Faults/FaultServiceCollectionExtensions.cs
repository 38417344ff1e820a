using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SecureLambda.LocalCloud.Faults;

public static class FaultServiceCollectionExtensions
{
    /// <summary>
    /// The fault rules and their injector, once however many parts of LocalCloud ask (the AWS endpoint and the local
    /// Lambda both apply them).
    /// </summary>
    public static IServiceCollection AddFaultInjection(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FaultRules>();
        services.TryAddKeyedSingleton(FaultInjector.RandomKey, Random.Shared);
        services.TryAddSingleton<FaultInjector>();
        return services;
    }
}
