extern alias AppHost;

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Engine = AppHost::SecureLambda.AppHost.Hosting.Engine;
using ResourceNames = AppHost::SecureLambda.AppHost.Hosting.ResourceNames;

namespace SecureLambda.IntegrationTests.AppHost;

/// <summary>
/// The <c>Engine</c> setting as the AppHost reads it, checked on the application model without starting anything, so
/// that these run with or without Docker.
/// </summary>
public sealed class EngineSettingTests
{
    [Theory]
    [InlineData(null, Engine.MotoImage)]
    [InlineData("securelambda/moto-engine:5.2.1", "securelambda/moto-engine:5.2.1")]
    [InlineData("registry.example.com:5000/team/moto:5.2.1", "registry.example.com:5000/team/moto:5.2.1")]
    public async Task EngineContainer_IsAContainerResourceOfTheImage_OnMotosPort_ServingCognitoToo(string? setting, string expected)
    {
        string[] args = ["--Engine=Container", .. setting is null ? Array.Empty<string>() : [$"--Engine:Image={setting}"]];
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<AppHost::Projects.SecureLambda_AppHost>(args, TestContext.Current.CancellationToken);

        var engine = Assert.IsType<ContainerResource>(builder.Resources.Single(resource => resource.Name == ResourceNames.Engine), exactMatch: false);
        var image = Assert.Single(engine.Annotations.OfType<ContainerImageAnnotation>());
        Assert.Equal(expected, $"{(image.Registry is null ? string.Empty : image.Registry + "/")}{image.Image}:{image.Tag}");
        Assert.Equal(ImagePullPolicy.Missing, Assert.Single(engine.Annotations.OfType<ContainerImagePullPolicyAnnotation>()).ImagePullPolicy);
        var endpoint = Assert.Single(engine.Annotations.OfType<EndpointAnnotation>());
        Assert.Equal((Engine.MotoContainerPort, false), (endpoint.TargetPort, endpoint.IsProxied));
        Assert.DoesNotContain(builder.Resources, resource => resource.Name == ResourceNames.CognitoEngine);
    }

    [Fact]
    public async Task AnEngineThatIsNoKind_IsRefusedAtStart_NamingTheKinds()
    {
        var refused = await Assert.ThrowsAsync<DistributedApplicationException>(() =>
            DistributedApplicationTestingBuilder.CreateAsync<AppHost::Projects.SecureLambda_AppHost>(["--Engine=Podman"], TestContext.Current.CancellationToken));

        Assert.Equal("Engine=Podman names no engine; use one of Moto, Container, LocalStack.", refused.Message);
    }
}
