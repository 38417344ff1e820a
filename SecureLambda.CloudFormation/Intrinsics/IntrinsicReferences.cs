using System.Text.Json.Nodes;

namespace SecureLambda.CloudFormation.Intrinsics;

/// <summary>
/// Reads intrinsic functions in their long form without evaluating them: what a <c>Ref</c>, <c>Fn::GetAtt</c> or
/// <c>Fn::Sub</c> points at. The dependency order and the template's policy tests both ask this, so it is answered once.
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html
/// </summary>
public static class IntrinsicReferences
{
    /// <summary>The name in <c>{"Ref": name}</c>, or null when the node is anything else.</summary>
    public static string? RefTarget(JsonNode? node) =>
        node is JsonObject { Count: 1 } obj && obj["Ref"] is JsonValue value && value.TryGetValue<string>(out var name) ? name : null;

    /// <summary>The logical id and attribute of <c>{"Fn::GetAtt": [id, attribute]}</c> (or <c>"id.attribute"</c>), or null.</summary>
    public static (string LogicalId, string Attribute)? GetAttTarget(JsonNode? node) =>
        node is JsonObject { Count: 1 } obj ? obj["Fn::GetAtt"] switch
        {
            JsonArray { Count: 2 } pair when pair[0] is JsonValue id && id.TryGetValue<string>(out var logicalId)
                && pair[1] is JsonValue attribute && attribute.TryGetValue<string>(out var name) => (logicalId, name),
            JsonValue text when text.TryGetValue<string>(out var dotted) && dotted.Split('.', 2) is [var logicalId, var name] =>
                (logicalId, name),
            _ => null,
        }
        : null;

    /// <summary>The template string of <c>Fn::Sub</c> in either form, or null.</summary>
    public static string? SubTemplate(JsonNode? node) =>
        node is JsonObject { Count: 1 } obj ? SubText(obj["Fn::Sub"]) : null;

    /// <summary>
    /// Every name the node refers to: Ref targets, GetAtt logical ids and <c>${Name}</c> / <c>${Name.Attribute}</c> in
    /// Fn::Sub; not <c>${!Literal}</c>, pseudo parameters (<c>AWS::…</c>), or the Sub form's own variables.
    /// </summary>
    public static IReadOnlySet<string> References(JsonNode? node)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        Collect(node, names);
        return names;
    }

    private static string? SubText(JsonNode? argument) => argument switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonArray { Count: > 0 } form when form[0] is JsonValue value && value.TryGetValue<string>(out var text) => text,
        _ => null,
    };

    private static void Collect(JsonNode? node, HashSet<string> names)
    {
        switch (node)
        {
            case JsonObject obj when IntrinsicResolver.IsIntrinsic(obj, out var name, out var argument):
                switch (name)
                {
                    case "Ref" when RefTarget(obj) is { } target:
                        Add(target, names);
                        return;
                    case "Fn::GetAtt" when GetAttTarget(obj) is var (logicalId, _):
                        Add(logicalId, names);
                        return;
                    case "Fn::GetAtt" when argument is JsonArray { Count: > 0 } pair
                        && pair[0] is JsonValue first && first.TryGetValue<string>(out var target):
                        // The attribute name may itself be an intrinsic.
                        Add(target, names);
                        Collect(pair.Count > 1 ? pair[1] : null, names);
                        return;
                    case "Fn::Sub":
                        CollectSub(argument, names);
                        return;
                    default:
                        Collect(argument, names);
                        return;
                }

            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    Collect(value, names);
                }

                return;
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, names);
                }

                return;
        }
    }

    private static void CollectSub(JsonNode? argument, HashSet<string> names)
    {
        var variables = argument is JsonArray { Count: 2 } pair && pair[1] is JsonObject map ? map : null;
        Collect(variables, names);
        if (SubText(argument) is not { } template)
        {
            Collect(argument, names);
            return;
        }

        foreach (var (isVariable, text) in IntrinsicResolver.ParseSub(template))
        {
            if (isVariable && variables?.ContainsKey(text) != true)
            {
                Add(text.Split('.', 2)[0], names);
            }
        }
    }

    private static void Add(string name, HashSet<string> names)
    {
        if (!name.StartsWith("AWS::", StringComparison.Ordinal))
        {
            names.Add(name);
        }
    }
}
