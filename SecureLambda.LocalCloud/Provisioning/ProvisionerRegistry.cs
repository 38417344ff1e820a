using SecureLambda.CloudFormation.Catalog;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// The registered provisioners, checked against <see cref="ResourceTypeCatalog"/> when LocalCloud starts: every type
/// the catalog does not skip has exactly one provisioner, and no provisioner handles a skipped type or one the catalog
/// does not know. A template type the catalog accepts can therefore always be provisioned, and the catalog and the
/// provisioners cannot drift apart.
/// </summary>
public sealed class ProvisionerRegistry
{
    private readonly Dictionary<string, IResourceProvisioner> _byType = new(StringComparer.Ordinal);

    public ProvisionerRegistry(IEnumerable<IResourceProvisioner> provisioners)
    {
        ArgumentNullException.ThrowIfNull(provisioners);
        foreach (var provisioner in provisioners)
        {
            foreach (var type in provisioner.ProvisionedTypes)
            {
                var entry = ResourceTypeCatalog.Find(type) ?? throw new InvalidOperationException(
                    $"{provisioner.GetType().Name} handles {type}, a type the resource-type catalog does not list.");
                if (entry.Kind == ResourceKind.Skipped)
                {
                    throw new InvalidOperationException(
                        $"{provisioner.GetType().Name} handles {type}, which the resource-type catalog skips ({entry.Reason}).");
                }

                if (!_byType.TryAdd(type, provisioner))
                {
                    throw new InvalidOperationException(
                        $"{type} has two provisioners: {_byType[type].GetType().Name} and {provisioner.GetType().Name}.");
                }
            }
        }

        var unhandled = ResourceTypeCatalog.Entries
            .Where(entry => entry.Kind != ResourceKind.Skipped && !_byType.ContainsKey(entry.Type))
            .Select(entry => entry.Type)
            .ToList();
        if (unhandled.Count > 0)
        {
            throw new InvalidOperationException(
                $"No provisioner handles {string.Join(", ", unhandled)}, which the resource-type catalog says LocalCloud provisions.");
        }
    }

    /// <summary>The one provisioner of a type the catalog does not skip.</summary>
    public IResourceProvisioner For(string type) => _byType[type];
}
