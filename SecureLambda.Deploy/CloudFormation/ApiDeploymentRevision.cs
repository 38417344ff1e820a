using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using SecureLambda.CloudFormation.Catalog;
using YamlDotNet.RepresentationModel;

namespace SecureLambda.Deploy.CloudFormation;

/// <summary>
/// Makes the stage follow the API. CloudFormation creates an <c>AWS::ApiGateway::Deployment</c> (the snapshot a stage
/// serves) only when that resource is created or replaced, so a later change to a method, authorizer, model, validator,
/// integration or gateway response would stay undeployed
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-deployment.html).
/// Before each deploy the tool renames every Deployment's logical id to <c>{id}{hash}</c>, the hash taken over the API's
/// definition: a changed API gets a new logical id, so CloudFormation creates a new Deployment, points the stage at it
/// and removes the old one; an unchanged API keeps its id, and no deployment is created. AWS SAM does the same for
/// <c>AWS::Serverless::Api</c>. A <c>DocumentationVersion</c> is the same kind of snapshot (of the documentation parts)
/// and is renamed alike; the template spells its version as its logical id, so the version is renamed with it. The template on disk stays as it is, valid for a plain <c>aws cloudformation deploy</c>.
/// </summary>
public static class ApiDeploymentRevision
{
    public const string DeploymentType = ApiDefinitionTypes.Deployment;

    private const int HashLength = 10;

    /// <summary>
    /// The template with each Deployment renamed, and the renames (old id → new id). <paramref name="parameterValue"/>
    /// gives the value a parameter will have in this deploy, so that a parameter an API resource refers to counts too.
    /// </summary>
    public static (string TemplateText, IReadOnlyDictionary<string, string> Renames) Apply(string templateText, Func<string, string?> parameterValue)
    {
        ArgumentNullException.ThrowIfNull(parameterValue);
        // The library says which resources and parameters there are; the hash is taken over their YAML as written,
        // tags included, so a change CloudFormation would see changes it.
        var template = ChangeSetParameters.ReadTemplate(templateText);
        var root = TemplateYaml.Root(templateText);
        var resources = TemplateYaml.Mapping(root, "Resources") ?? throw new DeployException("The template has no Resources.");
        var parameters = template.Parameters.Keys.ToHashSet(StringComparer.Ordinal);

        var definition = new StringBuilder();
        var referenced = new SortedSet<string>(StringComparer.Ordinal);
        var deployments = new List<string>();
        foreach (var (key, node) in resources.Children.OrderBy(pair => ((YamlScalarNode)pair.Key).Value, StringComparer.Ordinal))
        {
            var logicalId = ((YamlScalarNode)key).Value!;
            var type = template.Resources[logicalId].Type;
            if (ApiDefinitionTypes.Snapshots.Contains(type))
            {
                deployments.Add(logicalId);
            }
            else if (ApiDefinitionTypes.All.Contains(type))
            {
                definition.Append(logicalId).Append('=');
                TemplateYaml.Canonical(node, definition);
                definition.Append('\n');
                CollectReferences(node, parameters, referenced);
            }
        }

        if (deployments.Count == 0)
        {
            return (templateText, new Dictionary<string, string>());
        }

        foreach (var name in referenced)
        {
            definition.Append("parameter ").Append(name).Append('=').Append(parameterValue(name) ?? "\0unset").Append('\n');
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(definition.ToString())))[..HashLength];
        var renames = deployments.ToDictionary(id => id, id => id + hash, StringComparer.Ordinal);
        var text = templateText;
        foreach (var (from, to) in renames)
        {
            if (resources.Children.ContainsKey(new YamlScalarNode(to)))
            {
                throw new DeployException($"The template already has a resource {to}, the name the tool gives the revision of {from}.");
            }

            // Whole identifiers only: keys, Ref/!Ref, GetAtt, ${…} in Sub and DependsOn entries all spell the id alone.
            text = Regex.Replace(text, $"(?<![A-Za-z0-9]){Regex.Escape(from)}(?![A-Za-z0-9])", to, RegexOptions.CultureInvariant);
        }

        return (text, renames);
    }

    /// <summary>The original logical id of a revision this tool named (<c>GreetingApiDeployment0a1b2c3d4e</c>), else null.</summary>
    public static string? OriginalId(string logicalId, string resourceType) =>
        ApiDefinitionTypes.Snapshots.Contains(resourceType) && logicalId.Length > HashLength && Regex.IsMatch(logicalId[^HashLength..], "^[0-9a-f]+$", RegexOptions.CultureInvariant)
            ? logicalId[..^HashLength]
            : null;

    private static readonly Regex SubReference = new(@"\$\{([A-Za-z0-9]+)\}", RegexOptions.CultureInvariant);

    private static void CollectReferences(YamlNode node, IReadOnlySet<string> parameters, ISet<string> referenced)
    {
        switch (node)
        {
            case YamlScalarNode scalar when scalar.Value is { } value:
                if (parameters.Contains(value))
                {
                    referenced.Add(value); // !Ref Name, Ref: Name
                }

                foreach (Match match in SubReference.Matches(value))
                {
                    if (parameters.Contains(match.Groups[1].Value))
                    {
                        referenced.Add(match.Groups[1].Value);
                    }
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children)
                {
                    CollectReferences(item, parameters, referenced);
                }

                break;
            case YamlMappingNode mapping:
                foreach (var (_, value) in mapping.Children)
                {
                    CollectReferences(value, parameters, referenced);
                }

                break;
        }
    }
}
