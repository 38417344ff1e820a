using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>Creates (or finds again, by name) the resources of some CloudFormation types.</summary>
public interface IResourceProvisioner
{
    /// <summary>
    /// The types this provisioner handles; at start-up each type the catalog does not skip must have exactly one
    /// provisioner (<see cref="ProvisionerRegistry"/>).
    /// </summary>
    IReadOnlySet<string> ProvisionedTypes { get; }

    /// <summary>
    /// Makes the resource exist and returns its physical id and attributes. Must be idempotent: a second call with the
    /// same properties reuses what the first created.
    /// </summary>
    Task<ProvisionedResource> ProvisionAsync(
        TemplateResource resource,
        JsonObject resolvedProperties,
        StackState state,
        CancellationToken cancellationToken);
}

/// <summary>
/// Thrown when provisioning one resource fails in the engine; the message names its logical id and type. Distinct from
/// <see cref="UnsupportedTemplateException"/>: the template is fine, but the engine refused or failed the call (the
/// inner exception says how), so the fix is in the engine or its state, not in the template.
/// </summary>
public sealed class ResourceProvisioningException : Exception
{
    public ResourceProvisioningException()
    {
    }

    public ResourceProvisioningException(string message)
        : base(message)
    {
    }

    public ResourceProvisioningException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ResourceProvisioningException(string logicalId, string type, Exception innerException)
        : base($"Provisioning {logicalId} ({type}) failed: {innerException?.Message}", innerException)
    {
        LogicalId = logicalId;
        Type = type;
    }

    public string? LogicalId { get; }

    public string? Type { get; }
}
