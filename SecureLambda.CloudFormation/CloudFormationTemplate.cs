using System.Globalization;
using System.Text.Json.Nodes;
using SecureLambda.CloudFormation.Intrinsics;
using SecureLambda.CloudFormation.Parameters;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SecureLambda.CloudFormation;

/// <summary>
/// A CloudFormation template (YAML or JSON) with every value in CloudFormation's long form: <c>!Ref X</c> becomes
/// <c>{"Ref":"X"}</c> and <c>!Sub s</c> becomes <c>{"Fn::Sub":"s"}</c>.
/// </summary>
/// <remarks>
/// Every scalar becomes a JSON string, whether the YAML wrote it plain (<c>Timeout: 10</c>), quoted, or as a JSON
/// number, and a plain <c>null</c>, <c>~</c> or empty scalar becomes JSON null. CloudFormation itself coerces values by
/// the property's type, and a <c>Ref</c> to a Number parameter yields a string anyway, so consumers convert in one
/// place: where they read a property of a known type.
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
/// </remarks>
public sealed class CloudFormationTemplate
{
    private static readonly HashSet<string> KnownSections =
    [
        "AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Mappings", "Conditions", "Resources",
        "Outputs",
    ];

    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-product-attribute-reference.html
    private static readonly HashSet<string> ResourceKeys =
    [
        "Type", "Properties", "DependsOn", "Condition", "DeletionPolicy", "UpdateReplacePolicy", "Metadata",
        "CreationPolicy", "UpdatePolicy",
    ];

    private CloudFormationTemplate(
        string sourceName,
        IReadOnlyDictionary<string, TemplateParameter> parameters,
        JsonObject mappings,
        IReadOnlyDictionary<string, JsonNode> conditions,
        IReadOnlyDictionary<string, TemplateResource> resources,
        IReadOnlyDictionary<string, TemplateOutput> outputs)
    {
        SourceName = sourceName;
        Parameters = parameters;
        Mappings = mappings;
        Conditions = conditions;
        Resources = resources;
        Outputs = outputs;
    }

    public string SourceName { get; }

    public IReadOnlyDictionary<string, TemplateParameter> Parameters { get; }

    public JsonObject Mappings { get; }

    public IReadOnlyDictionary<string, JsonNode> Conditions { get; }

    /// <summary>The resources in template order.</summary>
    public IReadOnlyDictionary<string, TemplateResource> Resources { get; }

    public IReadOnlyDictionary<string, TemplateOutput> Outputs { get; }

    /// <summary>The resources of one type, in template order.</summary>
    public IEnumerable<TemplateResource> OfType(string type) => Resources.Values.Where(resource => resource.Type == type);

    /// <summary>The resource with this logical id; throws naming it when the template has none.</summary>
    public TemplateResource Resource(string logicalId) =>
        Resources.TryGetValue(logicalId, out var resource)
            ? resource
            : throw new KeyNotFoundException($"The template has no resource {logicalId}.");

    /// <summary>The resource a <c>Ref</c> or <c>Fn::GetAtt</c> node points at, or null for anything else.</summary>
    public TemplateResource? Target(JsonNode? node)
    {
        var id = IntrinsicReferences.RefTarget(node) ?? IntrinsicReferences.GetAttTarget(node)?.LogicalId;
        return id is not null && Resources.TryGetValue(id, out var resource) ? resource : null;
    }

    public static CloudFormationTemplate Load(string path) => Parse(File.ReadAllText(path), path);

    public static CloudFormationTemplate Parse(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new TemplateException($"{sourceName}:{ex.Start.Line}: {ex.Message}", ex);
        }

        if (stream.Documents.Count != 1)
        {
            throw new TemplateException($"{sourceName}: expected one YAML document, found {stream.Documents.Count}.");
        }

        return new Reader(sourceName).ReadTemplate(stream.Documents[0].RootNode);
    }

    private sealed class Reader(string sourceName)
    {
        public CloudFormationTemplate ReadTemplate(YamlNode root)
        {
            var top = Mapping(root, "the template");
            foreach (var (key, _) in top)
            {
                if (!KnownSections.Contains(key))
                {
                    throw Error(root, $"LocalCloud does not support the template section {key}");
                }
            }

            var parameters = new Dictionary<string, TemplateParameter>(StringComparer.Ordinal);
            foreach (var (name, node) in Section(top, "Parameters"))
            {
                parameters.Add(name, ReadParameter(name, node));
            }

            var mappings = new JsonObject();
            foreach (var (name, node) in Section(top, "Mappings"))
            {
                mappings[name] = Convert(node, $"mapping {name}");
            }

            var conditions = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
            foreach (var (name, node) in Section(top, "Conditions"))
            {
                conditions.Add(name, Convert(node, $"condition {name}") ?? throw Error(node, $"Condition {name} is empty"));
            }

            // "Resources: Required" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html).
            if (!top.ContainsKey("Resources"))
            {
                throw Error(root, "The template has no Resources section, which CloudFormation requires");
            }

            var resources = new OrderedDictionary<string, TemplateResource>(StringComparer.Ordinal);
            foreach (var (logicalId, node) in Section(top, "Resources"))
            {
                resources.Add(logicalId, ReadResource(logicalId, node));
            }

            var outputs = new OrderedDictionary<string, TemplateOutput>(StringComparer.Ordinal);
            foreach (var (name, node) in Section(top, "Outputs"))
            {
                outputs.Add(name, ReadOutput(name, node));
            }

            return new CloudFormationTemplate(sourceName, parameters, mappings, conditions, resources, outputs);
        }

        private TemplateParameter ReadParameter(string name, YamlNode node)
        {
            var where = $"parameter {name}";
            var fields = Mapping(node, where);
            var type = fields.TryGetValue("Type", out var typeNode)
                ? Scalar(typeNode, where)
                : throw Error(node, $"Parameter {name} has no Type");
            List<string>? allowed = null;
            if (fields.TryGetValue("AllowedValues", out var allowedNode))
            {
                allowed = allowedNode is YamlSequenceNode sequence
                    ? [.. sequence.Children.Select(child => Scalar(child, where))]
                    : throw Error(allowedNode, $"AllowedValues of parameter {name} must be a list");
            }

            return new TemplateParameter(
                name,
                type,
                fields.TryGetValue("Default", out var defaultNode) ? Convert(defaultNode, where) : null,
                allowed,
                fields.TryGetValue("AllowedPattern", out var pattern) ? Scalar(pattern, where) : null,
                Number<double>(fields, "MinValue", name),
                Number<double>(fields, "MaxValue", name),
                Number<int>(fields, "MinLength", name),
                Number<int>(fields, "MaxLength", name))
            {
                NoEcho = fields.TryGetValue("NoEcho", out var noEcho)
                    && (bool.TryParse(Scalar(noEcho, where), out var masked)
                        ? masked
                        : throw Error(noEcho, $"NoEcho of parameter {name} is not true or false")),
            };
        }

        private T? Number<T>(Dictionary<string, YamlNode> fields, string key, string parameter)
            where T : struct, IParsable<T>
        {
            if (!fields.TryGetValue(key, out var node))
            {
                return null;
            }

            var text = Scalar(node, $"parameter {parameter}");
            return T.TryParse(text, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw Error(node, $"{key} of parameter {parameter} is not a number: '{text}'");
        }

        private TemplateResource ReadResource(string logicalId, YamlNode node)
        {
            var where = $"resource {logicalId}";
            var fields = Mapping(node, where);
            foreach (var (key, value) in fields)
            {
                if (!ResourceKeys.Contains(key))
                {
                    throw Error(value, $"Resource {logicalId} has the unknown attribute {key}");
                }
            }

            if (!fields.TryGetValue("Type", out var typeNode))
            {
                throw Error(node, $"Resource {logicalId} has no Type");
            }

            var properties = new JsonObject();
            if (fields.TryGetValue("Properties", out var propertiesNode))
            {
                properties = Convert(propertiesNode, where) switch
                {
                    JsonObject o => o,
                    null => [],
                    _ => throw Error(propertiesNode, $"Properties of resource {logicalId} must be a mapping"),
                };
            }

            List<string> dependsOn = [];
            if (fields.TryGetValue("DependsOn", out var dependsNode))
            {
                dependsOn = dependsNode is YamlSequenceNode sequence
                    ? [.. sequence.Children.Select(child => Scalar(child, where))]
                    : [Scalar(dependsNode, where)];
            }

            return new TemplateResource(
                logicalId,
                Scalar(typeNode, where),
                properties,
                dependsOn,
                fields.TryGetValue("Condition", out var condition) ? Scalar(condition, where) : null)
            {
                DeletionPolicy = fields.TryGetValue("DeletionPolicy", out var deletion) ? Scalar(deletion, where) : null,
                UpdateReplacePolicy = fields.TryGetValue("UpdateReplacePolicy", out var replace) ? Scalar(replace, where) : null,
                Metadata = fields.TryGetValue("Metadata", out var metadata)
                    ? Convert(metadata, where) as JsonObject ?? throw Error(metadata, $"Metadata of resource {logicalId} must be a mapping")
                    : null,
            };
        }

        private TemplateOutput ReadOutput(string name, YamlNode node)
        {
            var where = $"output {name}";
            var fields = Mapping(node, where);
            var value = fields.TryGetValue("Value", out var valueNode)
                ? Convert(valueNode, where) ?? throw Error(valueNode, $"Output {name} has an empty Value")
                : throw Error(node, $"Output {name} has no Value");
            return new TemplateOutput(
                name,
                value,
                fields.TryGetValue("Condition", out var condition) ? Scalar(condition, where) : null,
                fields.TryGetValue("Description", out var description) ? Scalar(description, where) : null);
        }

        private OrderedDictionary<string, YamlNode> Section(Dictionary<string, YamlNode> top, string name)
        {
            if (!top.TryGetValue(name, out var node) || IsNull(node))
            {
                return [];
            }

            var result = new OrderedDictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (key, value) in Entries(node, $"the {name} section"))
            {
                result.Add(key, value);
            }

            return result;
        }

        private Dictionary<string, YamlNode> Mapping(YamlNode node, string where) =>
            Entries(node, where).ToDictionary(entry => entry.Key, entry => entry.Value, StringComparer.Ordinal);

        private IEnumerable<KeyValuePair<string, YamlNode>> Entries(YamlNode node, string where, bool tagged = false)
        {
            if (node is not YamlMappingNode mapping || (!tagged && !IsPlainTag(node.Tag)))
            {
                throw Error(node, $"{Capitalize(where)} must be a mapping");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in mapping.Children)
            {
                var key = Scalar(keyNode, where);
                if (!seen.Add(key))
                {
                    throw Error(keyNode, $"Duplicate key {key} in {where}");
                }

                yield return new(key, value);
            }
        }

        private string Scalar(YamlNode node, string where) =>
            node is YamlScalarNode { Value: { } value } && IsPlainTag(node.Tag)
                ? value
                : throw Error(node, $"Expected a plain string in {where}");

        private JsonNode? Convert(YamlNode node, string where)
        {
            if (!IsPlainTag(node.Tag))
            {
                return ConvertTagged(node, where);
            }

            return node switch
            {
                YamlScalarNode scalar when IsNull(scalar) => null,
                YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? string.Empty),
                YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(child => Convert(child, where))]),
                YamlMappingNode => ConvertMapping(node, where),
                _ => throw Error(node, $"Unsupported YAML node in {where}"),
            };
        }

        private JsonObject ConvertMapping(YamlNode node, string where, bool tagged = false)
        {
            var result = new JsonObject();
            foreach (var (key, value) in Entries(node, where, tagged))
            {
                result[key] = Convert(value, where);
            }

            return result;
        }

        // The short forms of the intrinsic functions and condition functions.
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html
        private JsonObject ConvertTagged(YamlNode node, string where)
        {
            var tag = node.Tag.Value;
            var content = ConvertUntagged(node, where);
            return tag switch
            {
                "!Ref" => new JsonObject { ["Ref"] = RequireString(node, content, tag, where) },
                "!Condition" => new JsonObject { ["Condition"] = RequireString(node, content, tag, where) },
                "!GetAtt" => new JsonObject { ["Fn::GetAtt"] = GetAttArguments(node, content, where) },
                "!Sub" or "!Join" or "!Select" or "!Split" or "!If" or "!Equals" or "!Not" or "!And" or "!Or"
                    or "!FindInMap" or "!Base64" or "!GetAZs" or "!Cidr" or "!ImportValue" or "!Transform" =>
                    new JsonObject { ["Fn::" + tag[1..]] = content ?? JsonValue.Create(string.Empty) },
                _ => throw Error(node, $"Unknown tag {tag} in {where}"),
            };
        }

        private JsonNode? ConvertUntagged(YamlNode node, string where) => node switch
        {
            YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? string.Empty),
            YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(child => Convert(child, where))]),
            _ => ConvertMapping(node, where, tagged: true),
        };

        private JsonArray GetAttArguments(YamlNode node, JsonNode? content, string where)
        {
            if (content is JsonArray array)
            {
                return array;
            }

            var text = RequireString(node, content, "!GetAtt", where);
            var dot = text.IndexOf('.', StringComparison.Ordinal);
            return dot > 0 && dot < text.Length - 1
                ? [text[..dot], text[(dot + 1)..]]
                : throw Error(node, $"!GetAtt {text} in {where} is not of the form LogicalId.Attribute");
        }

        private string RequireString(YamlNode node, JsonNode? content, string tag, string where) =>
            content is JsonValue value && value.TryGetValue<string>(out var text)
                ? text
                : throw Error(node, $"{tag} in {where} takes a string");

        private TemplateException Error(YamlNode node, string message) =>
            new($"{sourceName}:{node.Start.Line}: {message}.");

        private static bool IsNull(YamlNode node) =>
            node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar
            && scalar.Tag.IsEmpty
            && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

        private static bool IsPlainTag(TagName tag) =>
            tag.IsEmpty || tag.Value is "!" or "tag:yaml.org,2002:str" or "tag:yaml.org,2002:map"
                or "tag:yaml.org,2002:seq";

        private static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text[1..];
    }
}
