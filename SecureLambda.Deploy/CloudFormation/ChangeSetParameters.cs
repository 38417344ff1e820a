using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Parameters;
using YamlDotNet.Core;

namespace SecureLambda.Deploy.CloudFormation;

/// <summary>Turns the code location and the <c>--parameter</c> overrides into CreateChangeSet's <c>Parameters.member.N</c> fields.</summary>
public static class ChangeSetParameters
{
    public const string CodeS3Bucket = "CodeS3Bucket";
    public const string CodeS3Key = "CodeS3Key";
    public const string CodeS3ObjectVersion = "CodeS3ObjectVersion";

    /// <summary>The template's value for "no version pinned": the key's current version.</summary>
    public const string UnpinnedVersion = "latest";

    private static readonly string[] SetByTheTool = [CodeS3Bucket, CodeS3Key, CodeS3ObjectVersion];

    /// <summary>
    /// Checks the overrides against the template, as CloudFormation would, before anything is built or uploaded.
    /// </summary>
    /// <exception cref="DeployException">An override names a parameter the template does not declare, one the tool sets
    /// itself, one given twice, or a value its constraints refuse (exit code 2).</exception>
    public static void Validate(IReadOnlyDictionary<string, TemplateParameter> template, IReadOnlyList<KeyValuePair<string, string>> overrides)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(overrides);
        var unknown = overrides.Select(pair => pair.Key).Where(name => !template.ContainsKey(name)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            throw new DeployException(
                $"Unknown template parameter(s): {string.Join(", ", unknown)}. The template declares: {string.Join(", ", template.Keys.Order(StringComparer.Ordinal))}.",
                ExitCodes.Usage);
        }

        var reserved = overrides.Select(pair => pair.Key).Where(SetByTheTool.Contains).Distinct().ToList();
        if (reserved.Count > 0)
        {
            throw new DeployException($"{string.Join(", ", reserved)} is set by the tool from the uploaded package; use --artifact-bucket to choose the bucket.", ExitCodes.Usage);
        }

        var duplicate = overrides.GroupBy(pair => pair.Key, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new DeployException($"--parameter {duplicate.Key} is given more than once.", ExitCodes.Usage);
        }

        var refused = overrides.Select(pair => template[pair.Key].Check(pair.Value)?.Reason).OfType<string>().ToList();
        if (refused.Count > 0)
        {
            throw new DeployException($"Invalid --parameter value: {string.Join("; ", refused)}.", ExitCodes.Usage);
        }
    }

    /// <summary>
    /// Overrides first (in the order given), then the code location. On an update, every parameter the stack already has
    /// and that is not given now keeps its value (<c>UsePreviousValue</c>): CloudFormation would otherwise reset it to the
    /// template default, so redeploying new code could silently undo an earlier <c>--parameter AllowedCidrs=…</c>.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Build(
        IReadOnlyDictionary<string, TemplateParameter> template,
        IReadOnlyList<KeyValuePair<string, string>> overrides,
        CodeLocation code,
        IReadOnlyCollection<string>? previousParameters = null)
    {
        Validate(template, overrides);
        ArgumentNullException.ThrowIfNull(code);
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

        Add(CodeS3Bucket, code.Bucket);
        Add(CodeS3Key, code.Key);
        if (template.ContainsKey(CodeS3ObjectVersion))
        {
            // Pinned, so that a later write to the same key cannot change the code Lambda takes.
            Add(CodeS3ObjectVersion, code.VersionId ?? UnpinnedVersion);
        }

        var given = overrides.Select(pair => pair.Key).Concat(SetByTheTool).ToHashSet(StringComparer.Ordinal);
        foreach (var key in (previousParameters ?? []).Where(key => !given.Contains(key) && template.ContainsKey(key)).Order(StringComparer.Ordinal))
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

    /// <summary>The template's <c>Parameters</c>, by name, read by the CloudFormation library as LocalCloud reads them.</summary>
    /// <exception cref="DeployException">The template cannot be read (exit code 2).</exception>
    public static IReadOnlyDictionary<string, TemplateParameter> ReadTemplateParameters(string templateText) =>
        ReadTemplate(templateText).Parameters;

    /// <summary>The template, read by the CloudFormation library.</summary>
    /// <exception cref="DeployException">The template cannot be read (exit code 2).</exception>
    internal static CloudFormationTemplate ReadTemplate(string templateText)
    {
        try
        {
            return CloudFormationTemplate.Parse(templateText, "the template");
        }
        catch (TemplateException error) when (error.InnerException is YamlException yaml)
        {
            throw new DeployException($"The template is not valid YAML or JSON: {yaml.Message}", ExitCodes.Usage, inner: error);
        }
        catch (TemplateException error)
        {
            throw new DeployException($"The template cannot be read: {error.Message}", ExitCodes.Usage, inner: error);
        }
    }
}

/// <summary>Where the uploaded code is: the template's <c>CodeS3Bucket</c>, <c>CodeS3Key</c> and <c>CodeS3ObjectVersion</c>.</summary>
public sealed record CodeLocation(string Bucket, string Key, string? VersionId);
