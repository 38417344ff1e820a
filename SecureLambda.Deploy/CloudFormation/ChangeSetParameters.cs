using YamlDotNet.RepresentationModel;

namespace SecureLambda.Deploy.CloudFormation;

/// <summary>Turns the code location and the <c>--parameter</c> overrides into CreateChangeSet's <c>Parameters.member.N</c> fields.</summary>
public static class ChangeSetParameters
{
    public const string CodeS3Bucket = "CodeS3Bucket";
    public const string CodeS3Key = "CodeS3Key";

    /// <summary>
    /// Overrides first (in the order given), then the code location. On an update, every parameter the stack already has
    /// and that is not given now keeps its value (<c>UsePreviousValue</c>): CloudFormation would otherwise reset it to the
    /// template default, so redeploying new code could silently undo an earlier <c>--parameter AllowedCidrs=…</c>.
    /// </summary>
    /// <exception cref="DeployException">An override names a parameter the template does not declare, or one the tool sets itself.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> Build(
        IReadOnlyCollection<string> templateParameters,
        IReadOnlyList<KeyValuePair<string, string>> overrides,
        string codeBucket,
        string codeKey,
        IReadOnlyCollection<string>? previousParameters = null)
    {
        ArgumentNullException.ThrowIfNull(templateParameters);
        ArgumentNullException.ThrowIfNull(overrides);
        var unknown = overrides.Select(pair => pair.Key).Where(name => !templateParameters.Contains(name)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            throw new DeployException(
                $"Unknown template parameter(s): {string.Join(", ", unknown)}. The template declares: {string.Join(", ", templateParameters.Order(StringComparer.Ordinal))}.",
                ExitCodes.Usage);
        }

        var reserved = overrides.Select(pair => pair.Key).Where(name => name is CodeS3Bucket or CodeS3Key).Distinct().ToList();
        if (reserved.Count > 0)
        {
            throw new DeployException($"{string.Join(", ", reserved)} is set by the tool from the uploaded package; use --artifact-bucket to choose the bucket.", ExitCodes.Usage);
        }

        var duplicate = overrides.GroupBy(pair => pair.Key, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new DeployException($"--parameter {duplicate.Key} is given more than once.", ExitCodes.Usage);
        }

        var fields = new List<KeyValuePair<string, string>>();
        var index = 0;
        void Add(string key, string? value)
        {
            index++;
            fields.Add(new($"Parameters.member.{index}.ParameterKey", key));
            if (value is null)
            {
                fields.Add(new($"Parameters.member.{index}.UsePreviousValue", "true"));
            }
            else
            {
                fields.Add(new($"Parameters.member.{index}.ParameterValue", value));
            }
        }

        foreach (var (key, value) in overrides)
        {
            Add(key, value);
        }

        Add(CodeS3Bucket, codeBucket);
        Add(CodeS3Key, codeKey);
        var given = overrides.Select(pair => pair.Key).Concat([CodeS3Bucket, CodeS3Key]).ToHashSet(StringComparer.Ordinal);
        foreach (var key in (previousParameters ?? []).Where(key => !given.Contains(key) && templateParameters.Contains(key)).Order(StringComparer.Ordinal))
        {
            Add(key, null);
        }

        return fields;
    }

    /// <summary>Parses <c>Name=Value</c>; the value may hold <c>=</c> and commas (CommaDelimitedList).</summary>
    public static KeyValuePair<string, string> ParseOverride(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new DeployException($"--parameter expects Name=Value, not '{text}'.", ExitCodes.Usage);
        }

        return new(text[..equals].Trim(), text[(equals + 1)..]);
    }

    /// <summary>
    /// The names under the template's <c>Parameters</c>. The YAML representation model keeps CloudFormation's short-form
    /// tags (<c>!Ref</c>, <c>!Sub</c>) as plain node tags, so no intrinsic needs to be understood here.
    /// </summary>
    public static IReadOnlySet<string> ReadTemplateParameters(string templateText)
    {
        var yaml = new YamlStream();
        using (var reader = new StringReader(templateText))
        {
            yaml.Load(reader);
        }

        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new DeployException("The template is not a YAML mapping.");
        }

        return root.Children.TryGetValue(new YamlScalarNode("Parameters"), out var node) && node is YamlMappingNode parameters
            ? parameters.Children.Keys.OfType<YamlScalarNode>().Select(key => key.Value ?? "").ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
    }
}
