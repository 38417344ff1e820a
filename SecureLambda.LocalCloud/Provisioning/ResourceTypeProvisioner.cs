using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>A provisioner of exactly one resource type: the type match and argument checks every such provisioner shares.</summary>
public abstract class ResourceTypeProvisioner(string provisionedType) : IResourceProvisioner
{
    public IReadOnlySet<string> ProvisionedTypes { get; } = new HashSet<string>(StringComparer.Ordinal) { provisionedType };

    public Task<ProvisionedResource> ProvisionAsync(
        TemplateResource resource,
        JsonObject resolvedProperties,
        StackState state,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(resolvedProperties);
        ArgumentNullException.ThrowIfNull(state);
        return ProvisionCoreAsync(resource, resolvedProperties, state, cancellationToken);
    }

    /// <inheritdoc cref="IResourceProvisioner.ProvisionAsync"/>
    protected abstract Task<ProvisionedResource> ProvisionCoreAsync(
        TemplateResource resource,
        JsonObject resolvedProperties,
        StackState state,
        CancellationToken cancellationToken);
}
