using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecureLambda.LocalCloud.Iam;

/// <summary>Identity-based policies are attached to a role; resource-based ones to a topic, queue or secret and name
/// principals. https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html</summary>
public enum PolicyType
{
    IdentityBased,
    ResourceBased,
}

public enum PolicyEffect
{
    Allow,
    Deny,
}

/// <summary>
/// A policy parsed once into compiled statements. Parsing refuses, with a <see cref="PolicyNotEvaluableException"/>
/// naming the policy and element, whatever LocalCloud cannot evaluate exactly as AWS does.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
/// </summary>
public sealed class PolicyDocument
{
    private static readonly HashSet<string> DocumentElements = new(StringComparer.Ordinal) { "Version", "Id", "Statement" };

    private PolicyDocument(string name, PolicyType type, IReadOnlyList<PolicyStatement> statements)
    {
        Name = name;
        Type = type;
        Statements = statements;
    }

    public string Name { get; }

    public PolicyType Type { get; }

    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>
    /// Parses <paramref name="document"/> (already-resolved CloudFormation values) as a policy of <paramref name="type"/>.
    /// <c>Version</c> is <c>2012-10-17</c>, <c>2008-10-17</c> or absent (which means 2008-10-17); <c>Statement</c> is one
    /// statement or an array. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
    /// </summary>
    public static PolicyDocument Parse(string name, JsonNode document, PolicyType type = PolicyType.IdentityBased)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(document);

        var root = new PolicyContext(name, "document", variablesAreLiteral: true);
        if (document is not JsonObject policy)
        {
            throw root.Fail("document", "a policy is a JSON object.");
        }

        foreach (var (element, _) in policy)
        {
            if (!DocumentElements.Contains(element))
            {
                throw root.Fail($"element {element}", "unknown policy element.");
            }
        }

        // Policy variables exist only in version 2012-10-17; in 2008-10-17 "${...}" is literal text.
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
        var version = policy["Version"] is { } versionNode ? root.String(versionNode, "Version") : "2008-10-17";
        if (version is not ("2012-10-17" or "2008-10-17"))
        {
            throw root.Fail("Version", $"'{version}' is not a policy language version (2012-10-17 or 2008-10-17).");
        }

        List<JsonNode?> statementNodes = policy["Statement"] switch
        {
            JsonArray array => [.. array],
            JsonObject single => [single],
            _ => throw root.Fail("Statement", "a policy needs a Statement object or array."),
        };

        var statements = new List<PolicyStatement>(statementNodes.Count);
        for (var i = 0; i < statementNodes.Count; i++)
        {
            statements.Add(PolicyStatement.Parse(statementNodes[i], i, name, type, variablesAreLiteral: version == "2008-10-17"));
        }

        return new PolicyDocument(name, type, statements);
    }
}

/// <summary>Where parsing is, for error messages naming the policy, statement and element; and the value readers.</summary>
internal sealed class PolicyContext(string policyName, string location, bool variablesAreLiteral)
{
    public PolicyNotEvaluableException Fail(string element, string reason) =>
        new(policyName, location == "document" ? element : $"{location} {element}", reason);

    public string String(JsonNode? node, string element) =>
        node is JsonValue value && Scalar(value) is { } text ? text : throw Fail(element, "must be a string.");

    /// <summary>A string or an array of strings. CloudFormation resolves a boolean or number to a JSON scalar, which
    /// counts as its text.</summary>
    public string[] Strings(JsonNode? node, string element) => node switch
    {
        JsonValue value when Scalar(value) is { } text => [text],
        JsonArray array when array.Count > 0 => [.. array.Select(item => String(item, element))],
        _ => throw Fail(element, "must be a string or a non-empty array of strings."),
    };

    /// <summary>Refuses <c>${...}</c> in a 2012-10-17 policy: LocalCloud substitutes no policy variables.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html</summary>
    public void RefusePolicyVariable(string text, string element)
    {
        var start = text.IndexOf("${", StringComparison.Ordinal);
        if (variablesAreLiteral || start < 0)
        {
            return;
        }

        var end = text.IndexOf('}', start);
        var variable = end < 0 ? text[start..] : text[start..(end + 1)];
        throw Fail(element, $"policy variable {variable} is not substituted by LocalCloud.");
    }

    private static string? Scalar(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.ToJsonString(),
        _ => null,
    };
}
