using YamlDotNet.RepresentationModel;

namespace SecureLambda.Deploy.CloudFormation;

/// <summary>
/// The template as YAML nodes. The representation model keeps CloudFormation's short-form tags (<c>!Ref</c>,
/// <c>!Sub</c>) as plain node tags, so the tool reads names and parameters without resolving any intrinsic.
/// </summary>
internal static class TemplateYaml
{
    public static YamlMappingNode Root(string templateText)
    {
        var yaml = new YamlStream();
        try
        {
            using var reader = new StringReader(templateText);
            yaml.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException error)
        {
            throw new DeployException($"The template is not valid YAML or JSON: {error.Message}", ExitCodes.Usage, inner: error);
        }

        return yaml.Documents.Count > 0 && yaml.Documents[0].RootNode is YamlMappingNode root
            ? root
            : throw new DeployException("The template is not a YAML mapping.", ExitCodes.Usage);
    }

    public static YamlMappingNode? Mapping(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node as YamlMappingNode : null;

    public static string? Scalar(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(new YamlScalarNode(key), out var node) ? (node as YamlScalarNode)?.Value : null;

    public static IReadOnlyList<string>? Scalars(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlSequenceNode sequence
            ? sequence.Children.OfType<YamlScalarNode>().Select(item => item.Value ?? "").ToList()
            : null;
}
