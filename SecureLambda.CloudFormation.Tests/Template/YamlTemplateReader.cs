using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SecureLambda.CloudFormation.Tests.Template;

/// <summary>
/// Reads a CloudFormation YAML template into its JSON form: short-form tags become the long-form intrinsic objects
/// (<c>!Ref X</c> is <c>{"Ref": "X"}</c>, <c>!GetAtt A.B</c> is <c>{"Fn::GetAtt": ["A", "B"]}</c>, <c>!Sub s</c> is
/// <c>{"Fn::Sub": s}</c>). Scalars stay strings, as CloudFormation coerces them by property type.
/// </summary>
/// <remarks>Short forms: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html</remarks>
public static class YamlTemplateReader
{
    private const string YamlCoreTagPrefix = "tag:yaml.org,2002:";

    private static readonly HashSet<string> FnTags = new(StringComparer.Ordinal)
    {
        "Base64", "Cidr", "FindInMap", "GetAZs", "ImportValue", "Join", "Select", "Split", "Sub", "Transform",
        "And", "Equals", "If", "Not", "Or", "ToJsonString", "Length",
    };

    public static JsonObject Read(TextReader reader)
    {
        var stream = new YamlStream();
        stream.Load(reader);
        if (stream.Documents.Count != 1)
        {
            throw new InvalidDataException($"A template is one YAML document; found {stream.Documents.Count}.");
        }

        return Convert(stream.Documents[0].RootNode) as JsonObject
            ?? throw new InvalidDataException("The template's root is not a mapping.");
    }

    private static JsonNode? Convert(YamlNode node)
    {
        var tag = node.Tag;
        if (tag.IsEmpty || tag.IsNonSpecific || tag.Value.StartsWith(YamlCoreTagPrefix, StringComparison.Ordinal))
        {
            return ConvertUntagged(node);
        }

        var name = tag.Value.TrimStart('!');
        return name switch
        {
            "Ref" => new JsonObject { ["Ref"] = ScalarOf(node, name) },
            "Condition" => new JsonObject { ["Condition"] = ScalarOf(node, name) },
            "GetAtt" => new JsonObject { ["Fn::GetAtt"] = GetAttArguments(node) },
            _ when FnTags.Contains(name) => new JsonObject { ["Fn::" + name] = ConvertUntagged(node) },
            _ => throw new InvalidDataException($"Unknown tag {tag.Value} at {node.Start}."),
        };
    }

    private static JsonNode? ConvertUntagged(YamlNode node) => node switch
    {
        YamlScalarNode scalar => ConvertScalar(scalar),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
        YamlMappingNode mapping => ConvertMapping(mapping),
        _ => throw new InvalidDataException($"Unsupported YAML node {node.NodeType} at {node.Start}."),
    };

    private static JsonObject ConvertMapping(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            var name = (key as YamlScalarNode)?.Value
                ?? throw new InvalidDataException($"A mapping key must be a scalar, at {key.Start}.");
            if (result.ContainsKey(name))
            {
                throw new InvalidDataException($"Duplicate key {name} at {key.Start}.");
            }

            result[name] = Convert(value);
        }

        return result;
    }

    private static JsonValue? ConvertScalar(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null"
            ? null
            : JsonValue.Create(scalar.Value);

    private static string ScalarOf(YamlNode node, string tagName) =>
        (node as YamlScalarNode)?.Value
        ?? throw new InvalidDataException($"!{tagName} takes a scalar, at {node.Start}.");

    private static JsonArray GetAttArguments(YamlNode node)
    {
        if (node is YamlSequenceNode)
        {
            return (JsonArray)ConvertUntagged(node)!;
        }

        var value = ScalarOf(node, "GetAtt");
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < value.Length - 1
            ? new JsonArray(value[..dot], value[(dot + 1)..])
            : throw new InvalidDataException($"!GetAtt {value} is not LogicalId.Attribute, at {node.Start}.");
    }
}
