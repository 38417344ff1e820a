using System.Text.Json.Nodes;

namespace SecureLambda.CloudFormation.Tests.Template;

/// <summary>One entry of the template's Resources section.</summary>
public sealed record PolicyTemplateResource(string LogicalId, string Type, JsonObject Definition)
{
    public JsonObject Properties => Definition[nameof(Properties)] as JsonObject ?? [];

    public JsonNode? this[string property] => Properties[property];

    /// <summary>The property's string value, or null when it is absent or an intrinsic function.</summary>
    public string? Text(string property) => this[property] is JsonValue value ? value.GetValue<string>() : null;

    /// <summary>The resource's DependsOn as a list, whichever of its two forms is used.</summary>
    public IReadOnlyList<string> DependsOn => Definition[nameof(DependsOn)] switch
    {
        JsonValue one => [one.GetValue<string>()],
        JsonArray many => [.. many.Select(item => item!.GetValue<string>())],
        _ => [],
    };

    public override string ToString() => $"{LogicalId} ({Type})";
}
