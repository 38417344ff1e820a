using Microsoft.Extensions.DependencyInjection.Extensions;
using SecureLambda.Aws.Core;

namespace SecureLambda.LocalCloud.Authorizers;

public static class AuthorizerServiceCollectionExtensions
{
    public const string JwksHttpClientName = "cognito-jwks";

    /// <summary>
    /// Registers <see cref="CognitoTokenValidator"/> and an <see cref="IJwksProvider"/> that reads the pools' JWKS from the
    /// Cognito engine: <c>AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER</c>, then <c>AWS_ENDPOINT_URL</c>, else the real
    /// regional endpoint of <c>AWS_REGION</c>/<c>AWS_DEFAULT_REGION</c>, read from configuration.
    /// </summary>
    public static IServiceCollection AddCognitoAuthorizers(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(JwksHttpClientName);
        services.TryAddSingleton<IJwksProvider>(provider => new EngineJwksProvider(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(JwksHttpClientName),
            ResolveCognitoEndpoint(provider.GetRequiredService<IConfiguration>()),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<EngineJwksProvider>>()));
        services.TryAddSingleton<CognitoTokenValidator>();
        return services;
    }

    /// <summary>The Cognito IdP endpoint, picked the way the AWS SDKs pick it (see <see cref="AwsEndpointResolver"/>).</summary>
    internal static Uri ResolveCognitoEndpoint(IConfiguration configuration)
    {
        string? Read(string name) => configuration[name];
        var resolver = new AwsEndpointResolver(Read);
        var service = AwsServiceDescriptor.CognitoIdentityProvider;
        var configured =
            !string.Equals(Read(AwsEndpointResolver.IgnoreConfiguredEndpointsVariable)?.Trim(), "true", StringComparison.OrdinalIgnoreCase) &&
            (!string.IsNullOrWhiteSpace(Read(service.EndpointVariable)) || !string.IsNullOrWhiteSpace(Read(AwsEndpointResolver.GlobalEndpointVariable)));

        // The region only matters for the real endpoint; an engine URL needs none.
        var region = configured ? AwsRegionOrDefault(Read) : AwsRegion.FromEnvironment(Read);
        return resolver.Resolve(service, region);
    }

    private static string AwsRegionOrDefault(Func<string, string?> read) =>
        read(AwsRegion.RegionVariable) ?? read(AwsRegion.DefaultRegionVariable) ?? "us-east-1";
}
