using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SecureLambda.CloudFormation;

namespace SecureLambda.CloudFormation.Tests.Model;

public sealed class ResourceTypesTests
{
    [Fact]
    public void Validate_AcceptsTheProductionTemplate_AndLogsEachSkippedTypeOnce()
    {
        var logger = new FakeLogger();

        ResourceTypes.Validate(CloudFormationTemplate.Load(TemplateTestHelpers.ProductionTemplatePath), logger);

        var all = logger.Collector.GetSnapshot();
        Assert.All(all, record => Assert.Equal(LogLevel.Information, record.Level));
        var records = all.Where(record => record.GetStructuredStateValue("Property") is null).ToList();
        Assert.Equal(
            ["AWS::ApiGateway::Account", "AWS::CloudWatch::Alarm", "AWS::IAM::Role", "AWS::Lambda::Permission", "AWS::Logs::LogGroup",
                "AWS::SNS::TopicPolicy", "AWS::SQS::QueuePolicy"],
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

        ResourceTypes.Validate(CloudFormationTemplate.Load(TemplateTestHelpers.ProductionTemplatePath), logger);

        var skipped = logger.Collector.GetSnapshot()
            .Where(record => record.GetStructuredStateValue("Property") is not null)
            .ToDictionary(record => $"{record.GetStructuredStateValue("ResourceType")} {record.GetStructuredStateValue("Property")}", record => record.Message);
        Assert.Equal(
            ["AWS::ApiGateway::RestApi EndpointAccessMode", "AWS::ApiGateway::RestApi SecurityPolicy",
                "AWS::Lambda::Function ReservedConcurrentExecutions", "AWS::SNS::Subscription RedrivePolicy"],
            skipped.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("ExternalLambda1, ExternalLambda2, InternalLambda", skipped["AWS::Lambda::Function ReservedConcurrentExecutions"], StringComparison.Ordinal);
        Assert.Contains("plain HTTP", skipped["AWS::ApiGateway::RestApi SecurityPolicy"], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FailsNamingTheResource_ForAnUnknownType()
    {
        var template = CloudFormationTemplate.Parse(
            "Resources:\n  Topic: { Type: AWS::SNS::Topic }\n  Bucket: { Type: AWS::S3::Bucket }\n", "t.yaml");

        var ex = Assert.Throws<TemplateException>(() => ResourceTypes.Validate(template, new FakeLogger()));

        Assert.Equal("Resource Bucket has type AWS::S3::Bucket, which LocalCloud does not emulate or knowingly skip.", ex.Message);
    }

    [Theory]
    [InlineData("AWS::SNS::Topic")]
    [InlineData("AWS::Lambda::Function")]
    [InlineData("AWS::ApiGateway::GatewayResponse")]
    [InlineData("AWS::WAFv2::WebACLAssociation")]
    public void IsEmulated_IsTrue_ForEmulatedTypes(string type)
    {
        Assert.True(ResourceTypes.IsEmulated(type));
        Assert.Null(ResourceTypes.SkipReason(type));
    }

    [Theory]
    [InlineData("AWS::IAM::Role", "IAM")]
    [InlineData("AWS::IAM::Policy", "IAM")]
    [InlineData("AWS::Lambda::Permission", "resource policies")]
    [InlineData("AWS::Logs::LogGroup", "process output")]
    [InlineData("AWS::ApiGateway::Account", "CloudWatch role")]
    [InlineData("AWS::SNS::TopicPolicy", "resource policies")]
    [InlineData("AWS::SQS::QueuePolicy", "resource policies")]
    [InlineData("AWS::CloudWatch::Alarm", "CloudWatch metrics")]
    public void SkipReason_ExplainsEachKnowinglySkippedType(string type, string reason)
    {
        Assert.False(ResourceTypes.IsEmulated(type));
        Assert.Contains(reason, ResourceTypes.SkipReason(type), StringComparison.Ordinal);
    }

    [Fact]
    public void TheTwoListsDoNotOverlap()
    {
        Assert.Empty(ResourceTypes.Emulated.Intersect(ResourceTypes.Skipped.Keys));
        Assert.False(ResourceTypes.IsEmulated("AWS::S3::Bucket"));
        Assert.Null(ResourceTypes.SkipReason("AWS::S3::Bucket"));
    }
}
