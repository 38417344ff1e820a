using System.Text.Json.Nodes;

namespace SecureLambda.LocalCloud.Template;

/// <summary>
/// Everything intrinsics resolve against: parameter values, pseudo parameters, conditions, and the physical ids and
/// attributes of the resources provisioned so far.
/// </summary>
public sealed class StackState
{
    public StackState(CloudFormationTemplate template)
        : this(template, new StackSettings())
    {
    }

    public StackState(CloudFormationTemplate template, StackSettings settings)
    {
        Template = template;
        Settings = settings;
        throw new NotImplementedException();
    }

    public CloudFormationTemplate Template { get; }

    public StackSettings Settings { get; }

    /// <summary>String and Number parameters as JSON strings, list parameters as JSON arrays of strings.</summary>
    public IReadOnlyDictionary<string, JsonNode> ParameterValues { get; } = new Dictionary<string, JsonNode>();

    /// <summary><c>arn:{partition}:cloudformation:{region}:{account}:stack/{name}/{id}</c>.</summary>
    public string StackId => throw new NotImplementedException();

    /// <summary><c>aws</c>, <c>aws-cn</c> or <c>aws-us-gov</c>, from the region.</summary>
    public string Partition => throw new NotImplementedException();

    /// <summary><c>amazonaws.com</c>, or <c>amazonaws.com.cn</c> in China regions.</summary>
    public string UrlSuffix => throw new NotImplementedException();

    public void SetPhysicalId(string logicalId, string physicalId) => throw new NotImplementedException();

    public void SetAttribute(string logicalId, string attribute, JsonNode value) => throw new NotImplementedException();

    public bool IsProvisioned(string logicalId) => throw new NotImplementedException();

    public string GetPhysicalId(string logicalId) => throw new NotImplementedException();

    /// <summary>A copy of the attribute value set by <see cref="SetAttribute"/>.</summary>
    public JsonNode GetAttribute(string logicalId, string attribute) => throw new NotImplementedException();

    public bool EvaluateCondition(string name) => throw new NotImplementedException();
}
