using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SecureLambda.CloudFormation.Catalog;
using SecureLambda.CloudFormation.Tests.Model;

namespace SecureLambda.CloudFormation.Tests.Catalog;

public sealed class ResourceTypeCatalogTests
{
    [Fact]
    public void Validate_AcceptsTheProductionTemplate_AndLogsEachSkippedTypeOnce()
    {
        var logger = new FakeLogger();

        ResourceTypeCatalog.Validate(CloudFormationTemplate.Load(TemplateTestHelpers.ProductionTemplatePath), logger);

        var all = logger.Collector.GetSnapshot();
        Assert.All(all, record => Assert.Equal(LogLevel.Information, record.Level));
        var records = all.Where(record => record.GetStructuredStateValue("Property") is null).ToList();
        Assert.Equal(
            ["AWS::ApiGateway::Account", "AWS::CloudWatch::Alarm", "AWS::Logs::LogGroup"],
            records.Select(record => record.GetStructuredStateValue("ResourceType")).Order(StringComparer.Ordinal));
        var logGroups = records.Single(record => record.GetStructuredStateValue("ResourceType") == "AWS::Logs::LogGroup");
        Assert.Contains("ExternalLambda1LogGroup", logGroups.Message, StringComparison.Ordinal);
        Assert.Contains("ApiAccessLogGroup", logGroups.Message, StringComparison.Ordinal);
        Assert.Contains("Aspire dashboard", logGroups.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NamesEveryTemplateSettingItDoesNotReproduce_WithItsReason()
    {
        var logger = new FakeLogger();

        ResourceTypeCatalog.Validate(CloudFormationTemplate.Load(TemplateTestHelpers.ProductionTemplatePath), logger);

        var skipped = logger.Collector.GetSnapshot()
            .Where(record => record.GetStructuredStateValue("Property") is not null)
            .ToDictionary(record => $"{record.GetStructuredStateValue("ResourceType")} {record.GetStructuredStateValue("Property")}", record => record.Message);
        Assert.Equal(
            ["AWS::ApiGateway::RestApi EndpointAccessMode", "AWS::ApiGateway::RestApi SecurityPolicy"],
            skipped.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("plain HTTP", skipped["AWS::ApiGateway::RestApi SecurityPolicy"], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FailsNamingTheResource_ForAnUnknownType()
    {
        var template = CloudFormationTemplate.Parse(
            "Resources:\n  Topic: { Type: AWS::SNS::Topic }\n  Bucket: { Type: AWS::S3::Bucket }\n", "t.yaml");

        var ex = Assert.Throws<UnsupportedTemplateException>(() => ResourceTypeCatalog.Validate(template, new FakeLogger()));

        Assert.Equal(("Bucket", "AWS::S3::Bucket"), (ex.LogicalId, ex.ResourceType));
        Assert.Contains("Resource Bucket", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AWS::S3::Bucket", ex.Message, StringComparison.Ordinal);
        Assert.Contains("which LocalCloud does not emulate or knowingly skip.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AWS::SNS::Topic", ResourceKind.ProvisionedInEngine)]
    [InlineData("AWS::Cognito::UserPool", ResourceKind.ProvisionedInEngine)]
    [InlineData("AWS::Lambda::Function", ResourceKind.SynthesizedByLocalCloud)]
    [InlineData("AWS::ApiGateway::GatewayResponse", ResourceKind.SynthesizedByLocalCloud)]
    [InlineData("AWS::WAFv2::WebACLAssociation", ResourceKind.SynthesizedByLocalCloud)]
    [InlineData("AWS::IAM::Role", ResourceKind.SynthesizedByLocalCloud)]
    [InlineData("AWS::IAM::Policy", ResourceKind.SynthesizedByLocalCloud)]
    [InlineData("AWS::SNS::TopicPolicy", ResourceKind.SynthesizedByLocalCloud)]
    [InlineData("AWS::SQS::QueuePolicy", ResourceKind.SynthesizedByLocalCloud)]
    [InlineData("AWS::Lambda::Permission", ResourceKind.SynthesizedByLocalCloud)]
    public void Find_SaysHowEachEmulatedTypeIsStoodInFor(string type, ResourceKind kind)
    {
        var entry = ResourceTypeCatalog.Find(type);

        Assert.Equal(kind, entry?.Kind);
        Assert.False(string.IsNullOrWhiteSpace(entry?.Reason));
    }

    [Theory]
    [InlineData("AWS::Logs::LogGroup", "process output")]
    [InlineData("AWS::ApiGateway::Account", "CloudWatch role")]
    [InlineData("AWS::CloudWatch::Alarm", "CloudWatch metrics")]
    public void Find_ExplainsEachKnowinglySkippedType(string type, string reason)
    {
        var entry = ResourceTypeCatalog.Find(type);

        Assert.Equal(ResourceKind.Skipped, entry?.Kind);
        Assert.Contains(reason, entry?.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void EachTypeHasOneEntry_AndAnUnknownTypeNone()
    {
        Assert.Equal(ResourceTypeCatalog.Entries.Count, ResourceTypeCatalog.Entries.Select(entry => entry.Type).Distinct(StringComparer.Ordinal).Count());
        Assert.Null(ResourceTypeCatalog.Find("AWS::S3::Bucket"));
    }

    [Fact]
    public void EverySkippedProperty_BelongsToATypeThatIsEmulated()
    {
        Assert.All(ResourceTypeCatalog.SkippedProperties, property =>
            Assert.NotEqual(ResourceKind.Skipped, ResourceTypeCatalog.Find(property.Type)?.Kind ?? ResourceKind.Skipped));
    }
}
