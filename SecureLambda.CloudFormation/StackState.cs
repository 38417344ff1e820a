using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SecureLambda.CloudFormation.Intrinsics;
using SecureLambda.CloudFormation.Parameters;

namespace SecureLambda.CloudFormation;

/// <summary>
/// Everything intrinsics resolve against: parameter values, pseudo parameters, conditions, and the physical ids and
/// attributes of the resources provisioned so far. Safe to share between the resources provisioned at once: each
/// reads what it refers to while others record theirs.
/// </summary>
public sealed class StackState
{
    // One lock for the lot: reads and writes are dictionary lookups, and a condition evaluates the ones it names
    // within it (the lock is reentrant on the same thread).
    private readonly Lock _gate = new();
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
        lock (_gate)
        {
            _physicalIds[logicalId] = physicalId;
        }
    }

    public void SetAttribute(string logicalId, string attribute, JsonNode value)
    {
        RequireResource(logicalId);
        ArgumentNullException.ThrowIfNull(value);
        var copy = value.DeepClone();
        lock (_gate)
        {
            if (!_attributes.TryGetValue(logicalId, out var attributes))
            {
                _attributes[logicalId] = attributes = new(StringComparer.Ordinal);
            }

            attributes[attribute] = copy;
        }
    }

    public bool IsProvisioned(string logicalId)
    {
        lock (_gate)
        {
            return _physicalIds.ContainsKey(logicalId);
        }
    }

    public string GetPhysicalId(string logicalId)
    {
        lock (_gate)
        {
            return _physicalIds.TryGetValue(logicalId, out var physicalId)
                ? physicalId
                : throw new TemplateException($"Resource {logicalId} is not provisioned yet.");
        }
    }

    /// <summary>A copy of the attribute value set by <see cref="SetAttribute"/>.</summary>
    public JsonNode GetAttribute(string logicalId, string attribute)
    {
        if (!IsProvisioned(logicalId))
        {
            throw new TemplateException($"Attribute {attribute} of resource {logicalId} is read before {logicalId} is provisioned.");
        }

        lock (_gate)
        {
            return _attributes.TryGetValue(logicalId, out var attributes) && attributes.TryGetValue(attribute, out var value)
                ? value.DeepClone()
                : throw new TemplateException($"Resource {logicalId} has no attribute {attribute} (LocalCloud never set it).");
        }
    }

    /// <summary>Evaluates a condition of the Conditions section once, on first use; a condition cycle fails.</summary>
    public bool EvaluateCondition(string name)
    {
        lock (_gate)
        {
            return EvaluateConditionLocked(name);
        }
    }

    private bool EvaluateConditionLocked(string name)
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
                    : parameter.DefaultText is { } defaultText ? defaultText
                    : throw new TemplateException($"Parameter {name} has no value: it has no Default and no override.");
                values[name] = Validate(parameter, text);
            }

            return values;
        }

        private static JsonNode Validate(TemplateParameter parameter, string text)
        {
            if (parameter.Type is not ("String" or "Number" or "CommaDelimitedList" or "List<Number>"))
            {
                throw new TemplateException(
                    $"Parameter {parameter.Name} has type {parameter.Type}; LocalCloud supports String, Number, " +
                    "CommaDelimitedList and List<Number>.");
            }

            if (parameter.Check(text) is { } violation)
            {
                throw new TemplateException($"Parameter {parameter.Name}: {violation.Reason} ({violation.Constraint}).");
            }

            // Each member string is space-trimmed; there is one member more than there are commas.
            return parameter.IsList
                ? new JsonArray([.. text.Split(',').Select(item => (JsonNode)JsonValue.Create(item.Trim()))])
                : JsonValue.Create(text);
        }
    }
}
