using System.Text.Json.Nodes;

namespace SecureLambda.CloudFormation.Tests.Template;

/// <summary>A CloudFormation template read into its JSON form, with its resources by logical id and type.</summary>
public sealed class TemplateDocument
{
    private TemplateDocument(JsonObject root)
    {
        Root = root;
        var resources = root[nameof(Resources)] as JsonObject
            ?? throw new InvalidDataException("The template has no Resources mapping.");
        Resources = resources.ToDictionary(
            entry => entry.Key,
            entry =>
            {
                var definition = entry.Value as JsonObject
                    ?? throw new InvalidDataException($"Resource {entry.Key} is not a mapping.");
                var type = definition["Type"] is JsonValue value
                    ? value.GetValue<string>()
                    : throw new InvalidDataException($"Resource {entry.Key} has no Type.");
                return new PolicyTemplateResource(entry.Key, type, definition);
            },
            StringComparer.Ordinal);
    }

    public JsonObject Root { get; }

    public IReadOnlyDictionary<string, PolicyTemplateResource> Resources { get; }

    public JsonObject Parameters => Root[nameof(Parameters)] as JsonObject ?? [];

    public JsonObject Outputs => Root[nameof(Outputs)] as JsonObject ?? [];

    public static TemplateDocument Load(string path)
    {
        using var reader = File.OpenText(path);
        return new TemplateDocument(YamlTemplateReader.Read(reader));
    }

    public static TemplateDocument Parse(string yaml)
    {
        using var reader = new StringReader(yaml);
        return new TemplateDocument(YamlTemplateReader.Read(reader));
    }

    public IEnumerable<PolicyTemplateResource> OfType(string type) =>
        Resources.Values.Where(resource => resource.Type == type);

    public PolicyTemplateResource Resource(string logicalId) =>
        Resources.TryGetValue(logicalId, out var resource)
            ? resource
            : throw new KeyNotFoundException($"The template has no resource {logicalId}.");

    /// <summary>The resource a <c>Ref</c> or <c>Fn::GetAtt</c> node points at, or null for anything else.</summary>
    public PolicyTemplateResource? Target(JsonNode? node)
    {
        var id = Intrinsics.RefTarget(node) ?? Intrinsics.GetAttTarget(node)?.LogicalId;
        return id is not null && Resources.TryGetValue(id, out var resource) ? resource : null;
    }
}
