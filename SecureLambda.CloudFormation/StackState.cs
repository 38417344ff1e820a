using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SecureLambda.CloudFormation;

/// <summary>
/// Everything intrinsics resolve against: parameter values, pseudo parameters, conditions, and the physical ids and
/// attributes of the resources provisioned so far.
/// </summary>
public sealed class StackState
{
    private readonly Dictionary<string, string> _physicalIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, JsonNode>> _attributes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _conditions = new(StringComparer.Ordinal);
    private readonly List<string> _evaluating = [];

    public StackState(CloudFormationTemplate template)
        : this(template, new StackSettings())
    {
    }

    public StackState(CloudFormationTemplate template, StackSettings settings)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(settings);
        Template = template;
        Settings = settings;
        Partition = PartitionOf(settings.Region);
        UrlSuffix = Partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
        StackId = $"arn:{Partition}:cloudformation:{settings.Region}:{settings.AccountId}:stack/{settings.StackName}/" +
            StableGuid(settings);
        ParameterValues = ParameterResolver.Resolve(template, settings.ParameterOverrides);
    }

    public CloudFormationTemplate Template { get; }

    public StackSettings Settings { get; }

    /// <summary>String and Number parameters as JSON strings, list parameters as JSON arrays of strings.</summary>
    public IReadOnlyDictionary<string, JsonNode> ParameterValues { get; }

    /// <summary><c>arn:{partition}:cloudformation:{region}:{account}:stack/{name}/{id}</c>.</summary>
    public string StackId { get; }

    /// <summary><c>aws</c>, <c>aws-cn</c> or <c>aws-us-gov</c>, from the region.</summary>
    public string Partition { get; }

    /// <summary><c>amazonaws.com</c>, or <c>amazonaws.com.cn</c> in China regions.</summary>
    public string UrlSuffix { get; }

    public void SetPhysicalId(string logicalId, string physicalId)
    {
        RequireResource(logicalId);
        _physicalIds[logicalId] = physicalId;
    }

    public void SetAttribute(string logicalId, string attribute, JsonNode value)
    {
        RequireResource(logicalId);
        ArgumentNullException.ThrowIfNull(value);
        if (!_attributes.TryGetValue(logicalId, out var attributes))
        {
            _attributes[logicalId] = attributes = new(StringComparer.Ordinal);
        }

        attributes[attribute] = value.DeepClone();
    }

    public bool IsProvisioned(string logicalId) => _physicalIds.ContainsKey(logicalId);

    public string GetPhysicalId(string logicalId) =>
        _physicalIds.TryGetValue(logicalId, out var physicalId)
            ? physicalId
            : throw new TemplateException($"Resource {logicalId} is not provisioned yet.");

    /// <summary>A copy of the attribute value set by <see cref="SetAttribute"/>.</summary>
    public JsonNode GetAttribute(string logicalId, string attribute)
    {
        if (!IsProvisioned(logicalId))
        {
            throw new TemplateException($"Attribute {attribute} of resource {logicalId} is read before {logicalId} is provisioned.");
        }

        return _attributes.TryGetValue(logicalId, out var attributes) && attributes.TryGetValue(attribute, out var value)
            ? value.DeepClone()
            : throw new TemplateException($"Resource {logicalId} has no attribute {attribute} (LocalCloud never set it).");
    }

    /// <summary>Evaluates a condition of the Conditions section once, on first use; a condition cycle fails.</summary>
    public bool EvaluateCondition(string name)
    {
        if (_conditions.TryGetValue(name, out var known))
        {
            return known;
        }

        if (!Template.Conditions.TryGetValue(name, out var definition))
        {
            throw new TemplateException($"Condition {name} is not defined in the Conditions section.");
        }

        if (_evaluating.Contains(name))
        {
            throw new TemplateException(
                $"Conditions form a cycle: {string.Join(" -> ", _evaluating.SkipWhile(n => n != name))} -> {name}.");
        }

        _evaluating.Add(name);
        try
        {
            var value = IntrinsicResolver.Resolve(definition, this, $"condition {name}");
            var result = IntrinsicResolver.AsBoolean(value)
                ?? throw new TemplateException($"Condition {name} does not evaluate to true or false.");
            _conditions[name] = result;
            return result;
        }
        finally
        {
            _evaluating.Remove(name);
        }
    }

    private void RequireResource(string logicalId)
    {
        if (!Template.Resources.ContainsKey(logicalId))
        {
            throw new TemplateException($"The template has no resource {logicalId}.");
        }
    }

    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html
    private static string PartitionOf(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
        : "aws";

    // A stack keeps its id across restarts of LocalCloud, as a deployed stack does across updates.
    private static Guid StableGuid(StackSettings settings)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{settings.AccountId}/{settings.Region}/{settings.StackName}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    /// <summary>
    /// Parameter values from the defaults and the overrides, checked against each parameter's constraints.
    /// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
    /// </summary>
    private static class ParameterResolver
    {
        public static Dictionary<string, JsonNode> Resolve(
            CloudFormationTemplate template, IReadOnlyDictionary<string, string> overrides)
        {
            foreach (var name in overrides.Keys)
            {
                if (!template.Parameters.ContainsKey(name))
                {
                    throw new TemplateException($"The override for parameter {name} names no parameter of the template.");
                }
            }

            var values = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
            foreach (var (name, parameter) in template.Parameters)
            {
                var text = overrides.TryGetValue(name, out var given) ? given
                    : parameter.Default is { } node ? DefaultText(parameter, node)
                    : throw new TemplateException($"Parameter {name} has no value: it has no Default and no override.");
                values[name] = Validate(parameter, text);
            }

            return values;
        }

        private static string DefaultText(TemplateParameter parameter, JsonNode node) => node switch
        {
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            JsonArray array when array.All(item => item is JsonValue) => string.Join(',', array.Select(item => item!.GetValue<string>())),
            _ => throw new TemplateException($"The Default of parameter {parameter.Name} is not a string or a list of strings."),
        };

        private static JsonNode Validate(TemplateParameter parameter, string text)
        {
            switch (parameter.Type)
            {
                case "String":
                    CheckLength(parameter, text);
                    CheckElement(parameter, text, isNumber: false);
                    return JsonValue.Create(text);
                case "Number":
                    CheckElement(parameter, text, isNumber: true);
                    return JsonValue.Create(text);
                case "CommaDelimitedList" or "List<Number>":
                    // Each member string is space-trimmed; there is one member more than there are commas.
                    var items = text.Split(',').Select(item => item.Trim()).ToList();
                    foreach (var item in items)
                    {
                        CheckElement(parameter, item, isNumber: parameter.Type == "List<Number>");
                    }

                    return new JsonArray([.. items.Select(item => (JsonNode)JsonValue.Create(item))]);
                default:
                    throw new TemplateException(
                        $"Parameter {parameter.Name} has type {parameter.Type}; LocalCloud supports String, Number, " +
                        "CommaDelimitedList and List<Number>.");
            }
        }

        private static void CheckLength(TemplateParameter parameter, string text)
        {
            if (text.Length < parameter.MinLength)
            {
                throw Failed(parameter, text, $"is shorter than MinLength {parameter.MinLength}");
            }

            if (text.Length > parameter.MaxLength)
            {
                throw Failed(parameter, text, $"is longer than MaxLength {parameter.MaxLength}");
            }
        }

        private static void CheckElement(TemplateParameter parameter, string text, bool isNumber)
        {
            double? number = null;
            if (isNumber)
            {
                number = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                    ? parsed
                    : throw Failed(parameter, text, "is not a number");
                if (number < parameter.MinValue)
                {
                    throw Failed(parameter, text, $"is less than MinValue {parameter.MinValue}");
                }

                if (number > parameter.MaxValue)
                {
                    throw Failed(parameter, text, $"is greater than MaxValue {parameter.MaxValue}");
                }
            }

            if (parameter.AllowedValues is { } allowed && !allowed.Any(value => value == text || (number is { } n
                    && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var a) && a == n)))
            {
                throw Failed(parameter, text, $"is not one of the AllowedValues [{string.Join(", ", allowed)}]");
            }

            // AllowedPattern must match the whole value, as CloudFormation anchors it.
            if (parameter.AllowedPattern is { } pattern
                && !Regex.IsMatch(text, $"^(?:{pattern})$", RegexOptions.None, TimeSpan.FromSeconds(1)))
            {
                throw Failed(parameter, text, $"does not match AllowedPattern {pattern}");
            }
        }

        private static TemplateException Failed(TemplateParameter parameter, string text, string reason) =>
            new($"Parameter {parameter.Name}: the value '{text}' {reason}.");
    }
}
