using System.Net;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SecureLambda.Aws.Core;
using SecureLambda.LocalCloud.ApiGateway.ControlPlane;
using SecureLambda.LocalCloud.ApiGateway.UsagePlans;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Faults;
using SecureLambda.LocalCloud.Iam;
using SecureLambda.LocalCloud.Lambda;

namespace SecureLambda.LocalCloud.AwsEndpoint;

public static class AwsEndpointExtensions
{
    /// <summary>
    /// The stack's AWS endpoint on <c>LocalCloud:AwsEndpoint:Port</c>: who signed what, and the forwarding to the
    /// engine. An engine URL that is the AWS endpoint itself is refused at start, since every request would loop.
    /// </summary>
    public static IServiceCollection AddAwsEndpoint(this IServiceCollection services)
    {
        services.AddOptions<AwsEndpointOptions>().BindConfiguration(AwsEndpointOptions.Section).ValidateDataAnnotations()
            .Validate<IConfiguration>(
                (options, configuration) => !PointsAt(configuration[AwsEndpointResolver.GlobalEndpointVariable], options.Port),
                $"{AwsEndpointResolver.GlobalEndpointVariable} is LocalCloud's engine, behind the AWS endpoint: it must not be the AWS endpoint's own port ({AwsEndpointOptions.Section}:Port).")
            .ValidateOnStart();
        services.AddHttpForwarder();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AccountCredentials>();
        services.TryAddSingleton<DataPlaneState>();
        services.AddIam();
        services.AddFaultInjection();
        services.TryAddSingleton<EngineForwarder>();
        services.TryAddSingleton<AwsCallers>();
        services.TryAddSingleton<UsageMeter>();
        services.TryAddSingleton<ApiGatewayControlPlane>();
        services.TryAddSingleton<Sns.SnsLambdaDelivery>();
        services.TryAddSingleton<AwsEndpointHandler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, AwsEndpointMatcherPolicy>());
        return services;
    }

    /// <summary>
    /// What the AWS endpoint serves: LocalCloud's own Lambda API, the fault rules' API, and every other call forwarded
    /// to the engine.
    /// Only requests on the AWS endpoint's port reach these (<see cref="AwsEndpointMatcherPolicy"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapAwsEndpoint(this IEndpointRouteBuilder endpoints)
    {
        var aws = endpoints.MapGroup(string.Empty).WithMetadata(AwsEndpointMetadata.Instance).ExcludeFromDescription();
        aws.MapGroup(string.Empty).AddEndpointFilter(LambdaApiAuthorization.FilterAsync).MapLambdaInvokeApi();
        aws.MapFaultsApi();
        aws.Map("/{**path}", (HttpContext context, AwsEndpointHandler handler) => handler.HandleAsync(context)).WithOrder(int.MaxValue);
        return endpoints;
    }

    private static bool PointsAt(string? url, int port) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && uri.Port == port
        && (uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address)));
}
