extern alias AppHost;

using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace SecureLambda.IntegrationTests.AppHost;

/// <summary>
/// The AppHost's application model in run mode, as <c>Program.cs</c> declares it, built once per test class and never
/// started: for the tests that read the model rather than run the stack.
/// </summary>
public sealed class AppHostModel : IAsyncLifetime
{
    private IDistributedApplicationTestingBuilder? _builder;

    public IResourceCollection Resources => _builder?.Resources ?? throw new InvalidOperationException("The model has not been built.");

    public async ValueTask InitializeAsync() =>
        _builder = await DistributedApplicationTestingBuilder.CreateAsync<AppHost::Projects.SecureLambda_AppHost>([], TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_builder is not null)
        {
            await _builder.DisposeAsync();
        }
    }
}
