extern alias AppHost;

using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using SecureLambda.Testing;
using MotoContainerResource = AppHost::SecureLambda.AppHost.Hosting.MotoContainerResource;
using ResourceNames = AppHost::SecureLambda.AppHost.Hosting.ResourceNames;
using static SecureLambda.IntegrationTests.AppHost.SecureLambdaApp;

namespace SecureLambda.IntegrationTests.AppHost;

/// <summary>
/// The AppHost with <c>Engine=Container</c>: Aspire runs the moto image (<see cref="EngineImage.Configured"/>, passed
/// as <c>Engine:Image</c>) as a container resource, which serves Cognito too, and LocalCloud provisions the template
/// into it. The wiring that <c>Engine=LocalStack</c> shares: a container engine reached through its published port.
/// </summary>
public sealed class MotoContainerApp : SecureLambdaApp
{
    protected override IEnumerable<string> ExtraArguments => ["--Engine=Container", $"--Engine:Image={EngineImage.Configured}"];
}

[Collection(AppHostCollectionDefinition.Name)]
public sealed class ContainerEngineTests
{
    [Fact]
    public async Task InAMotoContainer_EachUserIsGreetedOnTheirRoute_TheOtherPoolIs401_AndInternalLambdaLogsTheGreetings()
    {
        var cancellation = TestContext.Current.CancellationToken;
        if (await EngineImage.WhyUnavailableAsync(cancellation).WaitAsync(StartTimeout, cancellation) is { } reason)
        {
            Assert.Skip(reason);
        }

        var stack = new MotoContainerApp();
        try
        {
            await stack.InitializeAsync();

            // The engine is the container resource, of the configured image, and no moto process runs beside it.
            var resources = stack.App.Services.GetRequiredService<DistributedApplicationModel>().Resources;
            var engine = Assert.IsType<MotoContainerResource>(resources.Single(resource => resource.Name == ResourceNames.Engine));
            var image = Assert.Single(engine.Annotations.OfType<ContainerImageAnnotation>());
            Assert.Equal(EngineImage.Configured, $"{(image.Registry is null ? string.Empty : image.Registry + "/")}{image.Image}:{image.Tag}");
            Assert.DoesNotContain(resources, resource => resource.Name == ResourceNames.CognitoEngine);

            // The engine holds the pools, their users and the topic's secret: its port is published on loopback alone.
            var published = await DockerEngine.PublishedAddressesAsync(EngineImage.Configured, cancellation);
            Assert.Contains($"127.0.0.1:{stack.CognitoEngine.Port}", published);
            Assert.All(published, address => Assert.StartsWith("127.0.0.1:", address, StringComparison.Ordinal));

            await stack.AssertEachUserIsGreetedOnlyOnTheirOwnRouteAsync();
        }
        finally
        {
            await stack.DisposeAsync();
        }
    }
}
