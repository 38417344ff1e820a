using SecureLambda.Deploy.CloudFormation;
using SecureLambda.Deploy.Tests.Support;

namespace SecureLambda.Deploy.Tests.CloudFormation;

public sealed class ChangeSetParametersTests
{
    private static readonly IReadOnlySet<string> TemplateParameters = ChangeSetParameters.ReadTemplateParameters(Repository.TemplateText);

    [Fact]
    public void TemplateParameters_AreReadFromTheRealTemplate_DespiteShortFormTags() =>
        Assert.Equal(
            ["AllowedCidrs", "AllowedIpv6Cidrs", "CodeS3Bucket", "CodeS3Key", "CognitoWafRateLimit", "LogRetentionInDays", "StageName",
             "ThrottlingBurstLimit", "ThrottlingRateLimit", "WafIpRuleAction", "WafMaxBodyBytes", "WafRateLimit"],
            TemplateParameters.Order(StringComparer.Ordinal));

    [Fact]
    public void Build_MapsOverridesThenCodeLocation_ToNumberedMembers()
    {
        var fields = ChangeSetParameters.Build(
            TemplateParameters,
            [new("AllowedCidrs", "1.2.3.0/24,5.6.7.0/24"), new("WafIpRuleAction", "Block")],
            "my-bucket",
            "bootstrap-0123456789abcdef.zip");

        Assert.Equal(
            [
                new("Parameters.member.1.ParameterKey", "AllowedCidrs"),
                new("Parameters.member.1.ParameterValue", "1.2.3.0/24,5.6.7.0/24"),
                new("Parameters.member.2.ParameterKey", "WafIpRuleAction"),
                new("Parameters.member.2.ParameterValue", "Block"),
                new("Parameters.member.3.ParameterKey", "CodeS3Bucket"),
                new("Parameters.member.3.ParameterValue", "my-bucket"),
                new("Parameters.member.4.ParameterKey", "CodeS3Key"),
                new("Parameters.member.4.ParameterValue", "bootstrap-0123456789abcdef.zip"),
            ],
            fields);
    }

    [Fact]
    public void Build_KeepsPreviousValues_OfParametersNotGivenOnAnUpdate()
    {
        var fields = ChangeSetParameters.Build(
            TemplateParameters,
            [new("WafIpRuleAction", "Block")],
            "b",
            "k",
            previousParameters: ["AllowedCidrs", "WafIpRuleAction", "CodeS3Bucket", "CodeS3Key", "RemovedFromTemplate"]);

        Assert.Contains(new("Parameters.member.4.ParameterKey", "AllowedCidrs"), fields);
        Assert.Contains(new("Parameters.member.4.UsePreviousValue", "true"), fields);
        Assert.DoesNotContain(fields, field => field.Value == "RemovedFromTemplate");
        Assert.Equal(8, fields.Count);
    }

    [Fact]
    public void Build_RejectsAnOverride_TheTemplateDoesNotDeclare()
    {
        var error = Assert.Throws<DeployException>(() =>
            ChangeSetParameters.Build(TemplateParameters, [new("AllowedCidr", "1.2.3.0/24")], "b", "k"));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.StartsWith("Unknown template parameter(s): AllowedCidr.", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowedCidrs", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CodeS3Bucket")]
    [InlineData("CodeS3Key")]
    public void Build_RejectsOverridingTheCodeLocation(string name) =>
        Assert.Equal(
            ExitCodes.Usage,
            Assert.Throws<DeployException>(() => ChangeSetParameters.Build(TemplateParameters, [new(name, "x")], "b", "k")).ExitCode);

    [Fact]
    public void Build_RejectsTheSameOverrideTwice() =>
        Assert.Throws<DeployException>(() =>
            ChangeSetParameters.Build(TemplateParameters, [new("StageName", "a"), new("StageName", "b")], "b", "k"));

    [Theory]
    [InlineData("AllowedCidrs=1.2.3.0/24,5.6.7.0/24", "AllowedCidrs", "1.2.3.0/24,5.6.7.0/24")]
    [InlineData("StageName=a=b", "StageName", "a=b")]
    [InlineData("StageName=", "StageName", "")]
    public void ParseOverride_SplitsAtTheFirstEquals(string text, string key, string value) =>
        Assert.Equal(new KeyValuePair<string, string>(key, value), ChangeSetParameters.ParseOverride(text));

    [Theory]
    [InlineData("StageName")]
    [InlineData("=value")]
    public void ParseOverride_RejectsTextWithoutAName(string text) =>
        Assert.Equal(ExitCodes.Usage, Assert.Throws<DeployException>(() => ChangeSetParameters.ParseOverride(text)).ExitCode);
}
