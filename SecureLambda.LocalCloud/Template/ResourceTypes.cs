using Microsoft.Extensions.Logging;

namespace SecureLambda.LocalCloud.Template;

/// <summary>The one list of resource types LocalCloud emulates, and of those it knowingly skips with the reason.</summary>
public static class ResourceTypes
{
    public static IReadOnlySet<string> Emulated { get; } = new HashSet<string>(StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, string> Skipped { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public static bool IsEmulated(string type) => Emulated.Contains(type);

    public static string? SkipReason(string type) => Skipped.GetValueOrDefault(type);

    /// <summary>
    /// Fails on a resource type in neither list, and logs each knowingly skipped type once with its reason.
    /// </summary>
    public static void Validate(CloudFormationTemplate template, ILogger logger) => throw new NotImplementedException();
}
