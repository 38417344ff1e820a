using System.Text.Json.Nodes;

namespace SecureLambda.LocalCloud.Template;

/// <summary>
/// A CloudFormation template (YAML or JSON) with every value in CloudFormation's long form: <c>!Ref X</c> becomes
/// <c>{"Ref":"X"}</c> and <c>!Sub s</c> becomes <c>{"Fn::Sub":"s"}</c>.
/// </summary>
public sealed class CloudFormationTemplate
{
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

    public static CloudFormationTemplate Load(string path) => Parse(File.ReadAllText(path), path);

    public static CloudFormationTemplate Parse(string text, string sourceName) => throw new NotImplementedException();
}
