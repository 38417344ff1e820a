using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecureLambda.Aws.Core;
using SecureLambda.LocalCloud.Provisioning;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Provisioning;

[CollectionDefinition(Name)]
public sealed class ProvisioningMotoCollectionDefinition : ICollectionFixture<ProvisioningFixture>
{
    public const string Name = "provisioning-moto";
}

/// <summary>One moto for the collection, and the real template provisioned into it once.</summary>
public sealed class ProvisioningFixture : IAsyncLifetime
{
    /// <summary>user1's password comes from configuration; user2's is generated.</summary>
    public const string User1Password = "Local-Dev-Passw0rd!";

    private MotoServer? _moto;
    private ServiceProvider? _services;
    private ProvisionedStack? _stack;

    public MotoServer Moto => _moto ?? throw new InvalidOperationException("Not initialized.");

    public ProvisionedStack Stack => _stack ?? throw new InvalidOperationException("Not initialized.");

    public ServiceProvider Services => _services ?? throw new InvalidOperationException("Not initialized.");

    public static string TemplatePath => Path.Combine(AppContext.BaseDirectory, "cloudformation", "secure-lambda.yaml");

    public async ValueTask InitializeAsync()
    {
        _moto = await MotoServer.StartAsync();
        _services = BuildServices(_moto);
        _stack = await _services.GetRequiredService<StackProvisioner>().ProvisionAsync(CancellationToken.None);
    }

    public static Dictionary<string, string?> Configuration(string? contentRoot = null) => new()
    {
        ["LocalCloud:TemplatePath"] = TemplatePath,
        ["LocalCloud:ContentRoot"] = contentRoot ?? AppContext.BaseDirectory,
        ["LocalCloud:DevUsers:0:Password"] = User1Password,
    };

    /// <summary>
    /// The provisioning services against <paramref name="moto"/>, logging into a fake collector; <paramref name="configure"/>
    /// runs before the provisioning registrations, <paramref name="replace"/> after them.
    /// </summary>
    public static ServiceProvider BuildServices(
        MotoServer moto, Action<IServiceCollection>? configure = null, Action<IServiceCollection>? replace = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Configuration()).Build();
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.AddSingleton(AwsClientContext.FromEnvironment(moto.ClientEnvironment.GetValueOrDefault));
        configure?.Invoke(services);
        services.AddStackProvisioning(configuration);
        replace?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_moto is not null)
        {
            await _moto.DisposeAsync();
        }
    }
}
