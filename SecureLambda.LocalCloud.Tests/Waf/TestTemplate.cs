using System.Text.Json.Nodes;
using SecureLambda.CloudFormation.Properties;
using YamlDotNet.RepresentationModel;

namespace SecureLambda.LocalCloud.Tests.Waf;

/// <summary>
/// Loads the real <c>cloudformation/secure-lambda.yaml</c> and resolves just the intrinsics the WAF and Stage
/// resources use: <c>!Ref</c> to parameters (or to a resource, as its logical id), <c>!GetAtt X.Arn</c>, <c>!If</c> on
/// WafIpRuleBlocks, and <c>!Sub</c> with <c>${AWS::StackName}</c> (other variables left as written). The tests thus
/// read the properties as the template's resolver hands them over: scalars as strings, as CloudFormation coerces them.
/// Any other intrinsic fails the test.
/// </summary>
internal sealed class TestTemplate
{
    public const string StackName = "secure-lambda";

    private readonly YamlMappingNode _resources;
    private readonly Dictionary<string, string> _parameters = new(StringComparer.Ordinal);

    public TestTemplate(IReadOnlyDictionary<string, string>? parameterOverrides = null)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "cloudformation", "secure-lambda.yaml");
        var stream = new YamlStream();
        using (var reader = File.OpenText(path))
        {
            stream.Load(reader);
        }

        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        _resources = (YamlMappingNode)root["Resources"];
        foreach (var (key, value) in ((YamlMappingNode)root["Parameters"]).Children)
        {
            var mapping = (YamlMappingNode)value;
            if (mapping.Children.TryGetValue("Default", out var defaultValue))
            {
                _parameters[((YamlScalarNode)key).Value!] = ((YamlScalarNode)defaultValue).Value!;
            }
        }

        foreach (var (name, value) in parameterOverrides ?? new Dictionary<string, string>())
        {
            _parameters[name] = value;
        }
    }

    public static string ArnOf(string logicalId) =>
        $"arn:aws:wafv2:us-east-1:000000000000:regional/ipset/{StackName}-{logicalId}/{logicalId.ToUpperInvariant()}";

    public JsonObject Properties(string logicalId) =>
        (JsonObject)Resolve(((YamlMappingNode)_resources[logicalId])["Properties"])!;

    /// <summary>The resolved properties of a resource, read as LocalCloud reads them, naming the resource in errors.</summary>
    public ResourceProperties Resource(string logicalId) =>
        new(logicalId, ((YamlScalarNode)((YamlMappingNode)_resources[logicalId])["Type"]).Value!, Properties(logicalId));

    /// <summary>The resolved properties of every AWS::WAFv2::IPSet, by the ARN <c>!GetAtt X.Arn</c> gives.</summary>
    public Func<string, ResourceProperties?> IpSetsByArn()
    {
        var byArn = new Dictionary<string, ResourceProperties>(StringComparer.Ordinal);
        foreach (var (key, value) in _resources.Children)
        {
            if (((YamlScalarNode)((YamlMappingNode)value)["Type"]).Value == "AWS::WAFv2::IPSet")
            {
                var logicalId = ((YamlScalarNode)key).Value!;
                byArn[ArnOf(logicalId)] = Resource(logicalId);
            }
        }

        return arn => byArn.GetValueOrDefault(arn);
    }

    private JsonNode? Resolve(YamlNode node)
    {
        var tag = node.Tag.IsEmpty ? null : node.Tag.Value;
        switch (tag, node)
        {
            case (null, YamlScalarNode scalar):
                return JsonValue.Create(scalar.Value);
            case (null, YamlSequenceNode sequence):
                return new JsonArray([.. sequence.Children.Select(Resolve)]);
            case (null, YamlMappingNode mapping):
            {
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    obj[((YamlScalarNode)key).Value!] = Resolve(value);
                }

                return obj;
            }

            case ("!Ref", YamlScalarNode reference):
                return RefParameter(reference.Value!);
            case ("!GetAtt", YamlScalarNode getAtt) when getAtt.Value!.EndsWith(".Arn", StringComparison.Ordinal):
                return JsonValue.Create(ArnOf(getAtt.Value[..^".Arn".Length]));
            case ("!Sub", YamlScalarNode sub):
                return JsonValue.Create(sub.Value!.Replace("${AWS::StackName}", StackName, StringComparison.Ordinal));
            case ("!If", YamlSequenceNode ifNode) when ((YamlScalarNode)ifNode[0]).Value == "WafIpRuleBlocks":
                return Resolve(_parameters["WafIpRuleAction"] == "Block" ? ifNode[1] : ifNode[2]);
            default:
                throw new NotSupportedException($"The test resolver does not handle {tag} {node}.");
        }
    }

    private JsonNode RefParameter(string name)
    {
        // A Ref to a resource (the stage's RestApiId, DeploymentId) is not what these tests look at: its logical id stands in.
        if (!_parameters.TryGetValue(name, out var value))
        {
            return _resources.Children.ContainsKey(name)
                ? JsonValue.Create(name)
                : throw new NotSupportedException($"Ref {name} is neither a parameter with a default nor a resource.");
        }

        // CommaDelimitedList parameters resolve to a list of strings.
        return name is "AllowedCidrs" or "AllowedIpv6Cidrs"
            ? new JsonArray([.. value.Split(',').Select(v => (JsonNode?)JsonValue.Create(v.Trim()))])
            : JsonValue.Create(value);
    }
}
