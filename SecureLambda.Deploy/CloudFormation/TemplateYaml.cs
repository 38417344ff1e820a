using System.Text;
using System.Text.RegularExpressions;
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

    /// <summary>
    /// The node as text that only its meaning decides: key order and formatting do not change it; tags (<c>!Ref</c>,
    /// <c>!Sub</c>) do.
    /// </summary>
    public static void Canonical(YamlNode node, StringBuilder text)
    {
        if (!node.Tag.IsEmpty)
        {
            text.Append(node.Tag.Value);
        }

        switch (node)
        {
            case YamlScalarNode scalar:
                text.Append('"').Append((scalar.Value ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
                break;
            case YamlSequenceNode sequence:
                text.Append('[');
                foreach (var item in sequence.Children)
                {
                    Canonical(item, text);
                    text.Append(',');
                }

                text.Append(']');
                break;
            case YamlMappingNode mapping:
                text.Append('{');
                foreach (var (key, value) in mapping.Children.OrderBy(pair => (pair.Key as YamlScalarNode)?.Value, StringComparer.Ordinal))
                {
                    Canonical(key, text);
                    text.Append(':');
                    Canonical(value, text);
                    text.Append(',');
                }

                text.Append('}');
                break;
        }
    }


    public static string Canonical(YamlNode node)
    {
        var text = new StringBuilder();
        Canonical(node, text);
        return text.ToString();
    }

    private static readonly Regex BlockScalarStart = new(@"[|>][-+0-9]*\s*(#.*)?$", RegexOptions.CultureInvariant);

    /// <summary>
    /// The template without its full-line comments, so that a well-commented template still fits CloudFormation's
    /// 51,200-byte <c>TemplateBody</c> limit. Lines inside block scalars (<c>|</c>, <c>&gt;-</c>) are content and stay.
    /// The result must parse to the same document as the original; if it does not, the original is returned.
    /// </summary>
    public static string WithoutComments(string templateText)
    {
        var lines = templateText.ReplaceLineEndings("\n").Split('\n');
        var kept = new List<string>(lines.Length);
        var blockIndent = -1;
        foreach (var line in lines)
        {
            var content = line.TrimStart(' ');
            var indent = line.Length - content.Length;
            if (blockIndent >= 0 && (content.Length == 0 || indent > blockIndent))
            {
                kept.Add(line);
                continue;
            }

            blockIndent = -1;
            if (content.StartsWith('#'))
            {
                continue;
            }

            if (content.Length > 0 && BlockScalarStart.IsMatch(content) && content.Contains(':', StringComparison.Ordinal) || content.StartsWith("- |", StringComparison.Ordinal) || content.StartsWith("- >", StringComparison.Ordinal))
            {
                blockIndent = indent;
            }

            kept.Add(line);
        }

        var compact = string.Join('\n', kept);
        return Canonical(Root(compact)) == Canonical(Root(templateText)) ? compact : templateText;
    }
}
