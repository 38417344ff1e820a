using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SecureLambda.CloudFormation.Tests.Template;

/// <summary>Reads intrinsic function objects (the long form the reader normalises to) without evaluating them.</summary>
public static partial class Intrinsics
{
    /// <summary>The name in <c>{"Ref": name}</c>, or null when the node is anything else.</summary>
    public static string? RefTarget(JsonNode? node) =>
        node is JsonObject { Count: 1 } obj && obj["Ref"] is JsonValue value ? value.GetValue<string>() : null;

    /// <summary>The logical id and attribute of <c>{"Fn::GetAtt": [id, attribute]}</c>, or null.</summary>
    public static (string LogicalId, string Attribute)? GetAttTarget(JsonNode? node) =>
        node is JsonObject { Count: 1 } obj && obj["Fn::GetAtt"] is JsonArray { Count: 2 } args
            && args[0] is JsonValue id && args[1] is JsonValue attribute
            ? (id.GetValue<string>(), attribute.GetValue<string>())
            : null;

    /// <summary>The template string of <c>Fn::Sub</c> in either form, or null.</summary>
    public static string? SubTemplate(JsonNode? node) =>
        node is JsonObject { Count: 1 } obj && obj["Fn::Sub"] is { } sub
            ? sub switch
            {
                JsonValue text => text.GetValue<string>(),
                JsonArray { Count: > 0 } form when form[0] is JsonValue text => text.GetValue<string>(),
                _ => null,
            }
            : null;

    /// <summary>True when the node is a plain string, not an intrinsic function.</summary>
    public static bool IsLiteral(JsonNode? node) => node is JsonValue;

    /// <summary>
    /// Every name the node refers to: Ref targets, GetAtt logical ids and <c>${Name}</c> / <c>${Name.Attribute}</c>
    /// in Fn::Sub (not <c>${!Literal}</c>, pseudo parameters, or the Sub form's own variables).
    /// </summary>
    public static IReadOnlySet<string> References(JsonNode? node)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        Collect(node, names);
        return names;
    }

    private static void Collect(JsonNode? node, HashSet<string> names)
    {
        switch (node)
        {
            case JsonObject obj when RefTarget(obj) is { } name:
                if (!name.StartsWith("AWS::", StringComparison.Ordinal))
                {
                    names.Add(name);
                }

                break;
            case JsonObject obj when GetAttTarget(obj) is var (id, _):
                names.Add(id);
                break;
            case JsonObject obj when obj["Fn::Sub"] is { } sub:
                CollectSub(sub, names);
                break;
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    Collect(value, names);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, names);
                }

                break;
        }
    }

    private static void CollectSub(JsonNode sub, HashSet<string> names)
    {
        var (text, variables) = sub switch
        {
            JsonValue value => (value.GetValue<string>(), null),
            JsonArray { Count: 2 } form => (form[0]!.GetValue<string>(), form[1] as JsonObject),
            _ => throw new InvalidDataException($"Malformed Fn::Sub: {sub.ToJsonString()}"),
        };
        foreach (Match match in SubVariable().Matches(text))
        {
            var name = match.Groups["name"].Value;
            if (!name.StartsWith("AWS::", StringComparison.Ordinal) && variables?.ContainsKey(name) != true)
            {
                names.Add(name);
            }
        }

        Collect(variables, names);
    }

    [GeneratedRegex(@"\$\{(?!!)(?<name>[^}.]+)(\.[^}]+)?\}")]
    private static partial Regex SubVariable();
}
