using SecureLambda.CloudFormation.Parameters;

namespace SecureLambda.CloudFormation.Tests.Parameters;

/// <summary>
/// The one parameter check LocalCloud and the deploy tool share
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html).
/// </summary>
public sealed class TemplateParameterTests
{
    private static readonly CloudFormationTemplate Template = CloudFormationTemplate.Parse("""
        Parameters:
          Stage: { Type: String, AllowedPattern: "[a-z]+", MinLength: 2, MaxLength: 5 }
          Retention: { Type: Number, AllowedValues: [7, 14], MinValue: 1 }
          Ports: { Type: "List<Number>", Default: [80, 443], MaxValue: 65535 }
          Token: { Type: String, NoEcho: true, Default: "" }
        Resources: {}
        """, "parameters.yaml");

    [Theory]
    [InlineData("Stage", "d", "MinLength")]
    [InlineData("Stage", "abcdef", "MaxLength")]
    [InlineData("Stage", "Dev", "AllowedPattern")]
    [InlineData("Retention", "8", "AllowedValues")]
    [InlineData("Retention", "0", "MinValue")]
    [InlineData("Retention", "week", "not a number")]
    [InlineData("Ports", "80, 70000", "MaxValue")]
    public void Check_NamesTheConstraintThatRefusesTheValue(string name, string value, string constraint)
    {
        var violation = Template.Parameters[name].Check(value);

        Assert.Equal(constraint, violation?.Constraint);
        Assert.StartsWith(name, violation?.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Stage", "dev")]
    [InlineData("Retention", "14.0")]
    [InlineData("Ports", " 80 , 8080")]
    public void Check_PassesWhatTheConstraintsAllow(string name, string value) =>
        Assert.Null(Template.Parameters[name].Check(value));

    [Fact]
    public void AListDefault_IsTheCommaSeparatedTextAStackReceives_AndNoEchoIsRead()
    {
        Assert.Equal("80,443", Template.Parameters["Ports"].DefaultText);
        Assert.True(Template.Parameters["Token"].NoEcho);
        Assert.False(Template.Parameters["Stage"].NoEcho);
        Assert.Null(Template.Parameters["Stage"].DefaultText);
    }
}
