using System.Text.Json.Nodes;

namespace SecureLambda.CloudFormation;

/// <summary>A resource of the Resources section; <paramref name="Properties"/> is unresolved (long-form intrinsics).</summary>
public sealed record TemplateResource(
    string LogicalId,
    string Type,
    JsonObject Properties,
    IReadOnlyList<string> DependsOn,
    string? Condition)
{
    /// <summary>The resource's <c>DeletionPolicy</c> attribute, or null (CloudFormation then deletes it).</summary>
    public string? DeletionPolicy { get; init; }

    /// <summary>The resource's <c>UpdateReplacePolicy</c> attribute, or null.</summary>
    public string? UpdateReplacePolicy { get; init; }

    /// <summary>The resource's <c>Metadata</c>, such as cdk_nag suppressions, or null.</summary>
    public JsonObject? Metadata { get; init; }

    public override string ToString() => $"{LogicalId} ({Type})";
}

/// <summary>An output of the Outputs section; <paramref name="Value"/> is unresolved (long-form intrinsics).</summary>
public sealed record TemplateOutput(string Name, JsonNode Value, string? Condition, string? Description);
