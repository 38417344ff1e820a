using SecureLambda.CloudFormation.Parameters;
using SecureLambda.Deploy.CloudFormation;
using SecureLambda.Deploy.Tests.Support;

namespace SecureLambda.Deploy.Tests.CloudFormation;

public sealed class ChangeSetParametersTests
{
    private static readonly IReadOnlyDictionary<string, TemplateParameter> TemplateParameters = ChangeSetParameters.ReadTemplateParameters(Repository.TemplateText);

    [Fact]
    public void TemplateParameters_AreReadFromTheRealTemplate_DespiteShortFormTags()
    {
        Assert.Superset(
            new HashSet<string>(
                ["AllowedCidrs", "AllowedIpv6Cidrs", "CodeS3Bucket", "CodeS3Key", "CodeS3ObjectVersion", "LogRetentionInDays", "StageName",
                 "ThrottlingBurstLimit", "ThrottlingRateLimit", "WafIpRuleAction", "WafRateLimit"]),
            TemplateParameters.Keys.ToHashSet());
        Assert.Equal(["Count", "Block"], TemplateParameters["WafIpRuleAction"].AllowedValues);
        Assert.Equal(("Number", "50", 0d), (TemplateParameters["ThrottlingRateLimit"].Type, TemplateParameters["ThrottlingRateLimit"].DefaultText, TemplateParameters["ThrottlingRateLimit"].MinValue));
    }

    // CloudFormation checks these before it creates anything; the tool checks them before it publishes or uploads
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html).
    [Theory]
    [InlineData("WafIpRuleAction", "Allow", "WafIpRuleAction must be one of Count, Block, not 'Allow'")]
    [InlineData("ThrottlingRateLimit", "fast", "ThrottlingRateLimit must be a number, not 'fast'")]
    [InlineData("ThrottlingRateLimit", "-1", "ThrottlingRateLimit must be between 0 and")]
    [InlineData("StageName", "dev stage", "StageName 'dev stage' does not match the pattern")]
    [InlineData("AllowedCidrs", "10.0.0.0/8,0.0.0.0/0", "AllowedCidrs '0.0.0.0/0' does not match the pattern")]
    [InlineData("LogRetentionInDays", "10", "LogRetentionInDays must be one of 1, 3, 5")]
    public void Validate_RefusesAValueTheTemplatesConstraintsRefuse_WithUsageExitCode(string name, string value, string message)
    {
        var error = Assert.Throws<DeployException>(() => ChangeSetParameters.Validate(TemplateParameters, [new(name, value)]));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("WafIpRuleAction", "Block")]
    [InlineData("ThrottlingRateLimit", "12.5")]
    [InlineData("AllowedCidrs", "10.0.0.0/8, 192.168.0.0/16")]
    [InlineData("StageName", "prod_1")]
    public void Validate_AcceptsWhatTheConstraintsAllow(string name, string value) =>
        ChangeSetParameters.Validate(TemplateParameters, [new(name, value)]);

    [Fact]
    public void Build_MapsOverridesThenCodeLocation_ToNumberedMembers()
    {
        var fields = ChangeSetParameters.Build(
            TemplateParameters,
            [new("AllowedCidrs", "1.2.3.0/24,5.6.7.0/24"), new("WafIpRuleAction", "Block")],
            new CodeLocation("my-bucket", "stack/bootstrap-0123456789abcdef.zip", "v1"));

        Assert.Equal(
            [
                new("Parameters.member.1.ParameterKey", "AllowedCidrs"),
                new("Parameters.member.1.ParameterValue", "1.2.3.0/24,5.6.7.0/24"),
                new("Parameters.member.2.ParameterKey", "WafIpRuleAction"),
                new("Parameters.member.2.ParameterValue", "Block"),
                new("Parameters.member.3.ParameterKey", "CodeS3Bucket"),
                new("Parameters.member.3.ParameterValue", "my-bucket"),
                new("Parameters.member.4.ParameterKey", "CodeS3Key"),
                new("Parameters.member.4.ParameterValue", "stack/bootstrap-0123456789abcdef.zip"),
                new("Parameters.member.5.ParameterKey", "CodeS3ObjectVersion"),
                new("Parameters.member.5.ParameterValue", "v1"),
            ],
            fields);
    }

    [Fact]
    public void Build_KeepsPreviousValues_OfParametersNotGivenOnAnUpdate()
    {
        var fields = ChangeSetParameters.Build(
            TemplateParameters,
            [new("WafIpRuleAction", "Block")],
            new CodeLocation("b", "k", null),
            previousParameters: ["AllowedCidrs", "WafIpRuleAction", "CodeS3Bucket", "CodeS3Key", "RemovedFromTemplate"]);

        Assert.Contains(new("Parameters.member.5.ParameterKey", "AllowedCidrs"), fields);
        Assert.Contains(new("Parameters.member.5.UsePreviousValue", "true"), fields);
        // No version to pin: the parameter says so, and is never left at a previous (stale) version.
        Assert.Contains(new("Parameters.member.4.ParameterValue", ChangeSetParameters.UnpinnedVersion), fields);
        Assert.DoesNotContain(fields, field => field.Value == "RemovedFromTemplate");
        Assert.Equal(10, fields.Count);
    }

    [Fact]
    public void Build_RejectsAnOverride_TheTemplateDoesNotDeclare()
    {
        var error = Assert.Throws<DeployException>(() =>
            ChangeSetParameters.Build(TemplateParameters, [new("AllowedCidr", "1.2.3.0/24")], new CodeLocation("b", "k", null)));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.StartsWith("Unknown template parameter(s): AllowedCidr.", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowedCidrs", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CodeS3Bucket")]
    [InlineData("CodeS3Key")]
    [InlineData("CodeS3ObjectVersion")]
    public void Build_RejectsOverridingTheCodeLocation(string name) =>
        Assert.Equal(
            ExitCodes.Usage,
            Assert.Throws<DeployException>(() => ChangeSetParameters.Build(TemplateParameters, [new(name, "x")], new CodeLocation("b", "k", null))).ExitCode);

    [Fact]
    public void Build_RejectsTheSameOverrideTwice() =>
        Assert.Throws<DeployException>(() =>
            ChangeSetParameters.Build(TemplateParameters, [new("StageName", "a"), new("StageName", "b")], new CodeLocation("b", "k", null)));

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
