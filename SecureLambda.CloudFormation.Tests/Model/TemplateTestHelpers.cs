using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Intrinsics;

namespace SecureLambda.CloudFormation.Tests.Model;

internal static class TemplateTestHelpers
{
    public static string ProductionTemplatePath =>
        Path.Combine(AppContext.BaseDirectory, "cloudformation", "secure-lambda.yaml");

    /// <summary>The production parameters without defaults, as the development parameter file sets them.</summary>
    public static Dictionary<string, string> ProductionOverrides => new()
    {
        ["CodeS3Bucket"] = "code-bucket",
        ["CodeS3Key"] = "securelambda/bootstrap.zip",
    };

    public static StackState State(string yaml, Dictionary<string, string>? overrides = null, string region = "us-east-1") =>
        new(CloudFormationTemplate.Parse(yaml, "test.yaml"), new StackSettings(Region: region, ParameterOverrides: overrides));

    /// <summary>Resolves <paramref name="expression"/> (YAML) as the value of property P of a resource R.</summary>
    public static JsonNode? ResolveProperty(StackState state, string logicalId = "R", string property = "P") =>
        IntrinsicResolver.Resolve(state.Template.Resources[logicalId].Properties[property], state, logicalId);

    public static string Json(JsonNode? node) => node?.ToJsonString() ?? "null";
}
