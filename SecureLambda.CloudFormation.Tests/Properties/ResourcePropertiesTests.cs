using System.Text.Json.Nodes;
using SecureLambda.CloudFormation.Properties;

namespace SecureLambda.CloudFormation.Tests.Properties;

public sealed class ResourcePropertiesTests
{
    private static ResourceProperties Read(string json) =>
        new("Pool", "AWS::Cognito::UserPool", JsonNode.Parse(json)!.AsObject());

    // CloudFormation coerces a scalar to the property's type, and a Ref to a Number parameter yields a string
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html).
    [Fact]
    public void Scalars_AreReadFromJsonValuesAndFromTheirText()
    {
        var properties = Read("""{"A": "12", "B": 12, "C": "True", "D": false, "E": "1.5", "F": ["x", 2], "G": "one"}""");

        Assert.Equal((12, 12), (properties.OptionalInt("A"), properties.OptionalInt("B")));
        Assert.Equal((true, false), (properties.OptionalBool("C"), properties.OptionalBool("D")));
        Assert.Equal(1.5, properties.OptionalDouble("E"));
        Assert.Equal(["x", "2"], properties.StringList("F"));
        Assert.Equal(["one"], properties.StringList("G"));
        Assert.Equal("12", properties.OptionalString("B"));
    }

    [Fact]
    public void AbsentProperties_AreNullOrEmpty()
    {
        var properties = Read("{}");

        Assert.Null(properties.OptionalString("X"));
        Assert.Null(properties.OptionalInt("X"));
        Assert.Null(properties.OptionalBool("X"));
        Assert.Null(properties.OptionalObject("X"));
        Assert.Empty(properties.StringList("X"));
        Assert.Empty(properties.ObjectList("X"));
        Assert.False(properties.Has("X"));
    }

    [Theory]
    [InlineData("""{"X": "ten"}""", "int", "property X must be an integer, not \"ten\".")]
    [InlineData("""{"X": "yes"}""", "bool", "property X must be true or false, not \"yes\".")]
    [InlineData("""{"X": {"A": 1}}""", "string", "property X must be a string, not {\"A\":1}.")]
    [InlineData("""{"X": "text"}""", "object", "property X must be an object, not \"text\".")]
    [InlineData("""{"X": [{"A": 1}]}""", "list", "property X[0] must be a string, not {\"A\":1}.")]
    [InlineData("""{}""", "required", "property X is required.")]
    public void AValueOfTheWrongShape_IsUnsupported_NamingTheResourceThePropertyAndWhatWasExpected(string json, string read, string reason)
    {
        var properties = Read(json);

        var error = Assert.Throws<UnsupportedTemplateException>(() => _ = read switch
        {
            "int" => properties.OptionalInt("X"),
            "bool" => properties.OptionalBool("X"),
            "string" => properties.OptionalString("X"),
            "object" => properties.OptionalObject("X"),
            "list" => properties.StringList("X"),
            _ => (object)properties.RequiredString("X"),
        });

        Assert.Equal(("Pool", "AWS::Cognito::UserPool", reason), (error.LogicalId, error.ResourceType, error.Reason));
        Assert.Equal($"Resource Pool (AWS::Cognito::UserPool): {reason}", error.Message);
    }

    [Fact]
    public void NestedObjects_NameTheirPathInErrors()
    {
        var properties = Read("""{"Policies": {"PasswordPolicy": {"MinimumLength": "long"}}, "List": [{"Priority": "x"}]}""");

        var nested = Assert.Throws<UnsupportedTemplateException>(
            () => properties.RequiredObject("Policies").RequiredObject("PasswordPolicy").OptionalInt("MinimumLength"));
        var listed = Assert.Throws<UnsupportedTemplateException>(() => properties.ObjectList("List")[0].OptionalInt("Priority"));

        Assert.StartsWith("property Policies.PasswordPolicy.MinimumLength must be an integer", nested.Reason, StringComparison.Ordinal);
        Assert.StartsWith("property List[0].Priority must be an integer", listed.Reason, StringComparison.Ordinal);
    }
}
