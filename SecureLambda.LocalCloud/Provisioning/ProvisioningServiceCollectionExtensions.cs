using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using SecureLambda.Aws.Core;
using SecureLambda.LocalCloud.Engine;

namespace SecureLambda.LocalCloud.Provisioning;

public static class ProvisioningServiceCollectionExtensions
{
    /// <summary>
    /// Provisions the template's stack in the engine when the host starts. Registers the <c>LocalCloud</c> options, the
    /// engine clients (endpoints from <c>AWS_ENDPOINT_URL[_SERVICE]</c> unless an <see cref="AwsClientContext"/> is
    /// already registered), the resource provisioners, <see cref="IProvisionedStackAccessor"/>, the hosted service and
    /// the <c>stack-provisioning</c> health check. Map <see cref="OutputsEndpoints.MapLocalCloudOutputs"/> to serve the outputs.
    /// </summary>
    public static IServiceCollection AddStackProvisioning(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<StackProvisioningOptions>()
            .Bind(configuration.GetSection(StackProvisioningOptions.SectionName))
            .PostConfigure<IServiceProvider>((options, provider) =>
                options.ContentRoot ??= provider.GetService<IHostEnvironment>()?.ContentRootPath)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddEngineClients();

        services.TryAddEnumerable(
        [
            ServiceDescriptor.Singleton<IResourceProvisioner, SnsTopicProvisioner>(),
            ServiceDescriptor.Singleton<IResourceProvisioner, SecretProvisioner>(),
            ServiceDescriptor.Singleton<IResourceProvisioner, SqsQueueProvisioner>(),
            ServiceDescriptor.Singleton<IResourceProvisioner, CognitoUserPoolProvisioner>(),
            ServiceDescriptor.Singleton<IResourceProvisioner, CognitoUserPoolClientProvisioner>(),
            ServiceDescriptor.Singleton<IResourceProvisioner, SnsSubscriptionProvisioner>(),
            ServiceDescriptor.Singleton<IResourceProvisioner, LocalResourceProvisioner>(),
            ServiceDescriptor.Singleton<IOutputRewriter, LocalApiUrlRewriter>(),
        ]);
        services.TryAddSingleton<DevUserProvisioner>();
        services.TryAddSingleton<ProvisioningProgress>();
        services.TryAddSingleton<StackProvisioner>();
        services.TryAddSingleton<ProvisionedStackAccessor>();
        services.TryAddSingleton<IProvisionedStackAccessor>(provider => provider.GetRequiredService<ProvisionedStackAccessor>());
        services.AddHostedService<StackProvisioningService>();
        services.AddHealthChecks().AddCheck<StackProvisioningHealthCheck>(StackProvisioningHealthCheck.Name);
        return services;
    }
}
