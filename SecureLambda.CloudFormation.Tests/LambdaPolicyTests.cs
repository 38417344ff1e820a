using SecureLambda.CloudFormation.Intrinsics;
using SecureLambda.CloudFormation.Tests.Policies;
using Xunit;

namespace SecureLambda.CloudFormation.Tests;

public sealed class LambdaPolicyTests
{
    private static readonly CloudFormationTemplate Template = SecureLambdaTemplate.Template;

    [Fact]
    public void EveryLogGroup_HasARetention()
    {
        Assert.Equal(4, Template.OfType("AWS::Logs::LogGroup").Count());
        Assert.Empty(TemplatePolicies.LogGroupsWithoutRetention(Template));
    }

    [Fact]
    public void EveryFunction_LogsToALogGroupOfItsOwn()
    {
        Assert.NotEmpty(Template.OfType("AWS::Lambda::Function"));
        Assert.Empty(TemplatePolicies.FunctionsWithoutOwnLogGroup(Template));
    }

    [Theory]
    [InlineData("ExternalLambda1", "external")]
    [InlineData("ExternalLambda2", "external")]
    [InlineData("InternalLambda", "internal")]
    public void Function_RunsTheSharedBootstrapWithItsHandlerAndActiveTracing(string logicalId, string handler)
    {
        var function = Template.Resource(logicalId);

        Assert.Equal("provided.al2023", function.Text("Runtime"));
        Assert.Equal(handler, function.Text("Handler"));
        Assert.Equal("Active", (string?)function.Properties["TracingConfig"]?["Mode"]);
        Assert.Equal("CodeS3Bucket", IntrinsicReferences.RefTarget(function.Properties["Code"]?["S3Bucket"]));
        Assert.Equal("CodeS3Key", IntrinsicReferences.RefTarget(function.Properties["Code"]?["S3Key"]));
    }

    [Theory]
    [InlineData("ExternalLambda1")]
    [InlineData("ExternalLambda2")]
    public void ExternalFunction_NamesItselfAndFindsTheTopicThroughTheSecret(string logicalId)
    {
        var variables = Template.Resource(logicalId).Properties["Environment"]?["Variables"];

        Assert.Equal(logicalId, (string?)variables?["GREETER_NAME"]);
        Assert.Equal("TopicArnSecret", IntrinsicReferences.RefTarget(variables?["TOPIC_SECRET_ID"]));
        Assert.Equal("LambdaSNSTopicARN", Template.Resource("TopicArnSecret").Text("Name"));
        Assert.Contains("GreetingTopic", IntrinsicReferences.References(Template.Resource("TopicArnSecret").Properties["SecretString"]));
    }

    [Fact]
    public void InternalLambda_RetriesTwiceThenSendsFailuresToAnEncryptedQueue()
    {
        var config = Assert.Single(
            Template.OfType("AWS::Lambda::EventInvokeConfig"),
            c => IntrinsicReferences.References(c.Properties["FunctionName"]).Contains("InternalLambda"));

        Assert.Equal("2", config.Text("MaximumRetryAttempts"));
        Assert.Equal("$LATEST", config.Text("Qualifier"));
        var destination = config.Properties["DestinationConfig"]?["OnFailure"]?["Destination"];
        var queue = Template.Target(destination);
        Assert.True(queue is { Type: "AWS::SQS::Queue" }, "the on-failure destination is not a queue of this stack");
        Assert.Equal((queue.LogicalId, "Arn"), IntrinsicReferences.GetAttTarget(destination));
        Assert.True(
            queue.Text("SqsManagedSseEnabled") == "true" || queue.Properties["KmsMasterKeyId"] is not null,
            $"{queue} is not encrypted at rest");
        Assert.Equal("1209600", queue.Text("MessageRetentionPeriod"));

        var sends = IamStatement.OfRole(Template, Template.Target(Template.Resource("InternalLambda").Properties["Role"])!.LogicalId)
            .Where(s => s.Grants("sqs:SendMessage"));
        Assert.Equal((queue.LogicalId, "Arn"), IntrinsicReferences.GetAttTarget(Assert.Single(Assert.Single(sends).Resources)));
    }

    [Fact]
    public void InternalLambda_IsSubscribedToTheGreetingTopic()
    {
        var subscription = Assert.Single(Template.OfType("AWS::SNS::Subscription"), s => s.Text("Protocol") == "lambda");

        Assert.Equal("GreetingTopic", IntrinsicReferences.RefTarget(subscription.Properties["TopicArn"]));
        Assert.Equal(("InternalLambda", "Arn"), IntrinsicReferences.GetAttTarget(subscription.Properties["Endpoint"]));
        Assert.NotNull(Template.Resource("GreetingTopic").Properties["KmsMasterKeyId"]);
    }

    [Fact]
    public void EveryLambdaPermission_IsScopedBySourceArn()
    {
        Assert.Equal(3, Template.OfType("AWS::Lambda::Permission").Count());
        Assert.Empty(TemplatePolicies.UnscopedLambdaPermissions(Template));
    }

    [Theory]
    [InlineData("ExternalLambda1", "lambda1")]
    [InlineData("ExternalLambda2", "lambda2")]
    public void ApiGatewayPermission_AllowsOnlyThePostMethodOfTheFunctionsRoute(string function, string pathPart)
    {
        var permission = Assert.Single(
            Template.OfType("AWS::Lambda::Permission"),
            p => IntrinsicReferences.References(p.Properties["FunctionName"]).Contains(function));

        Assert.Equal("apigateway.amazonaws.com", permission.Text("Principal"));
        Assert.Equal("lambda:InvokeFunction", permission.Text("Action"));
        Assert.Equal(
            "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${GreetingApi}/${StageName}/POST/" + pathPart,
            IntrinsicReferences.SubTemplate(permission.Properties["SourceArn"]));
    }

    [Fact]
    public void SnsPermission_AllowsOnlyTheGreetingTopic()
    {
        var permission = Assert.Single(
            Template.OfType("AWS::Lambda::Permission"),
            p => IntrinsicReferences.References(p.Properties["FunctionName"]).Contains("InternalLambda"));

        Assert.Equal("sns.amazonaws.com", permission.Text("Principal"));
        Assert.Equal("GreetingTopic", IntrinsicReferences.RefTarget(permission.Properties["SourceArn"]));
    }
}
