using SecureLambda.CloudFormation.Tests.Policies;
using SecureLambda.CloudFormation.Tests.Template;
using Xunit;

namespace SecureLambda.CloudFormation.Tests;

public sealed class LambdaPolicyTests
{
    private static readonly TemplateDocument Template = SecureLambdaTemplate.Document;

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
        Assert.Equal("Active", (string?)function["TracingConfig"]?["Mode"]);
        Assert.Equal("CodeS3Bucket", Intrinsics.RefTarget(function["Code"]?["S3Bucket"]));
        Assert.Equal("CodeS3Key", Intrinsics.RefTarget(function["Code"]?["S3Key"]));
    }

    [Theory]
    [InlineData("ExternalLambda1")]
    [InlineData("ExternalLambda2")]
    public void ExternalFunction_NamesItselfAndFindsTheTopicThroughTheSecret(string logicalId)
    {
        var variables = Template.Resource(logicalId)["Environment"]?["Variables"];

        Assert.Equal(logicalId, (string?)variables?["GREETER_NAME"]);
        Assert.Equal("TopicArnSecret", Intrinsics.RefTarget(variables?["TOPIC_SECRET_ID"]));
        Assert.Equal("LambdaSNSTopicARN", Template.Resource("TopicArnSecret").Text("Name"));
        Assert.Contains("GreetingTopic", Intrinsics.References(Template.Resource("TopicArnSecret")["SecretString"]));
    }

    [Fact]
    public void InternalLambda_RetriesTwiceThenSendsFailuresToAnEncryptedQueue()
    {
        var config = Assert.Single(
            Template.OfType("AWS::Lambda::EventInvokeConfig"),
            c => Intrinsics.References(c["FunctionName"]).Contains("InternalLambda"));

        Assert.Equal("2", config.Text("MaximumRetryAttempts"));
        Assert.Equal("$LATEST", config.Text("Qualifier"));
        var destination = config["DestinationConfig"]?["OnFailure"]?["Destination"];
        var queue = Template.Target(destination);
        Assert.True(queue is { Type: "AWS::SQS::Queue" }, "the on-failure destination is not a queue of this stack");
        Assert.Equal((queue.LogicalId, "Arn"), Intrinsics.GetAttTarget(destination));
        Assert.True(
            queue.Text("SqsManagedSseEnabled") == "true" || queue["KmsMasterKeyId"] is not null,
            $"{queue} is not encrypted at rest");
        Assert.Equal("1209600", queue.Text("MessageRetentionPeriod"));

        var sends = IamStatement.OfRole(Template, Template.Target(Template.Resource("InternalLambda")["Role"])!.LogicalId)
            .Where(s => s.Grants("sqs:SendMessage"));
        Assert.Equal((queue.LogicalId, "Arn"), Intrinsics.GetAttTarget(Assert.Single(Assert.Single(sends).Resources)));
    }

    [Fact]
    public void InternalLambda_IsSubscribedToTheGreetingTopic()
    {
        var subscription = Assert.Single(Template.OfType("AWS::SNS::Subscription"), s => s.Text("Protocol") == "lambda");

        Assert.Equal("GreetingTopic", Intrinsics.RefTarget(subscription["TopicArn"]));
        Assert.Equal(("InternalLambda", "Arn"), Intrinsics.GetAttTarget(subscription["Endpoint"]));
        Assert.NotNull(Template.Resource("GreetingTopic")["KmsMasterKeyId"]);
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
            p => Intrinsics.References(p["FunctionName"]).Contains(function));

        Assert.Equal("apigateway.amazonaws.com", permission.Text("Principal"));
        Assert.Equal("lambda:InvokeFunction", permission.Text("Action"));
        Assert.Equal(
            "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${GreetingApi}/${StageName}/POST/" + pathPart,
            Intrinsics.SubTemplate(permission["SourceArn"]));
    }

    [Fact]
    public void SnsPermission_AllowsOnlyTheGreetingTopic()
    {
        var permission = Assert.Single(
            Template.OfType("AWS::Lambda::Permission"),
            p => Intrinsics.References(p["FunctionName"]).Contains("InternalLambda"));

        Assert.Equal("sns.amazonaws.com", permission.Text("Principal"));
        Assert.Equal("GreetingTopic", Intrinsics.RefTarget(permission["SourceArn"]));
    }
}
