using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SecureLambda.Aws.Core;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Catalog;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.Tests.Provisioning;

/// <summary>
/// The resource-type catalog against the provisioners LocalCloud really registers, so that a type the catalog calls
/// emulated can never meet "no provisioner" at start-up (the GatewayResponse contradiction), and a skipped type is never
/// quietly provisioned.
/// </summary>
public sealed class ProvisionerRegistryTests
{
    [Fact]
    public void EveryEmulatedCatalogType_HasExactlyOneRegisteredProvisioner()
    {
        var provisioners = RegisteredProvisioners();

        Assert.All(
            ResourceTypeCatalog.Entries.Where(entry => entry.Kind != ResourceKind.Skipped),
            entry => Assert.Single(provisioners, provisioner => provisioner.ProvisionedTypes.Contains(entry.Type)));
        _ = new ProvisionerRegistry(provisioners);
    }

    [Fact]
    public void NoRegisteredProvisioner_HandlesASkippedOrUnknownType()
    {
        Assert.All(
            RegisteredProvisioners().SelectMany(provisioner => provisioner.ProvisionedTypes),
            type => Assert.NotEqual(ResourceKind.Skipped, ResourceTypeCatalog.Find(type)?.Kind ?? ResourceKind.Skipped));
    }

    [Fact]
    public void EngineTypes_GoToTheEngineProvisioners_AndSynthesizedOnesToLocalCloud()
    {
        var registry = new ProvisionerRegistry(RegisteredProvisioners());

        Assert.All(ResourceTypeCatalog.Entries.Where(entry => entry.Kind != ResourceKind.Skipped), entry =>
            Assert.Equal(
                entry.Kind == ResourceKind.SynthesizedByLocalCloud,
                registry.For(entry.Type) is LocalResourceProvisioner));
    }

    [Fact]
    public void ACatalogTypeWithoutProvisioner_IsAStartupErrorNamingTheType()
    {
        var withoutQueues = RegisteredProvisioners().Where(provisioner => provisioner is not SqsQueueProvisioner);

        var error = Assert.Throws<InvalidOperationException>(() => new ProvisionerRegistry(withoutQueues));

        Assert.Contains("AWS::SQS::Queue", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASecondProvisionerOfAType_IsAStartupErrorNamingTheType()
    {
        var twice = RegisteredProvisioners().Append(new StubProvisioner("AWS::SNS::Topic"));

        var error = Assert.Throws<InvalidOperationException>(() => new ProvisionerRegistry(twice));

        Assert.Contains("AWS::SNS::Topic has two provisioners", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AWS::IAM::Role")]
    [InlineData("AWS::S3::Bucket")]
    public void AProvisionerOfASkippedOrUnknownType_IsAStartupErrorNamingTheType(string type)
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => new ProvisionerRegistry(RegisteredProvisioners().Append(new StubProvisioner(type))));

        Assert.Contains(type, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASkippedIamPolicy_GetsAStableStandInId_InsteadOfFailingTheStart()
    {
        var template = CloudFormationTemplate.Parse(
            "Resources:\n  Extra: { Type: AWS::IAM::Policy, Properties: { PolicyName: extra } }\n", "t.yaml");
        var state = new StackState(template);

        var first = LocalResourceProvisioner.StandIn(template.Resources["Extra"], [], state);
        var second = LocalResourceProvisioner.StandIn(template.Resources["Extra"], [], state);

        Assert.Equal(12, first.PhysicalId.Length);
        Assert.Equal(first.PhysicalId, second.PhysicalId);
    }

    /// <summary>The provisioners exactly as <see cref="ProvisioningServiceCollectionExtensions.AddStackProvisioning"/> registers them.</summary>
    private static List<IResourceProvisioner> RegisteredProvisioners()
    {
        var services = new ServiceCollection();
        services.AddSingleton(AwsClientContext.FromEnvironment(name => name switch
        {
            "AWS_ENDPOINT_URL" => "http://127.0.0.1:9",
            "AWS_REGION" => "us-east-1",
            "AWS_ACCESS_KEY_ID" => "test",
            "AWS_SECRET_ACCESS_KEY" => "test",
            _ => null,
        }));
        services.AddStackProvisioning(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();
        return [.. provider.GetServices<IResourceProvisioner>()];
    }

    private sealed class StubProvisioner(string type) : IResourceProvisioner
    {
        public IReadOnlySet<string> ProvisionedTypes { get; } = new HashSet<string>(StringComparer.Ordinal) { type };

        public Task<ProvisionedResource> ProvisionAsync(
            TemplateResource resource, JsonObject resolvedProperties, StackState state, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not called");
    }
}
