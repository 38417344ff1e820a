using System.Text.Json.Nodes;
using SecureLambda.CloudFormation.Intrinsics;
using Xunit;

namespace SecureLambda.CloudFormation.Tests;

public sealed class ParameterFileTests
{
    private static readonly CloudFormationTemplate Template = SecureLambdaTemplate.Template;

    [Fact]
    public void DevelopmentParameters_NameEveryTemplateParameter_AndKeepTheDefaults()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "cloudformation", "parameters", "development.json");
        var values = JsonNode.Parse(File.ReadAllText(path))!.AsArray()
            .ToDictionary(entry => (string)entry!["ParameterKey"]!, entry => (string?)entry!["ParameterValue"]);

        Assert.Equal(
            Template.Parameters.Select(parameter => parameter.Key).Order(StringComparer.Ordinal),
            values.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, definition) in Template.Parameters)
        {
            if (definition.Default is JsonValue defaultValue)
            {
                Assert.Equal(defaultValue.GetValue<string>(), values[name]);
            }
        }
    }
}
