using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Iam;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.Tests.DataPlane;

/// <summary>
/// The model read from a hand-built provisioned stack, without a host or an engine. EventInvokeConfig's FunctionName may
/// be a name, a name with a qualifier, an ARN or a partial ARN
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-eventinvokeconfig.html).
/// </summary>
public sealed class DataPlaneBuilderTests
{
    private const string FunctionName = "secure-lambda-InternalLambda";
    private const string FunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:" + FunctionName;
    private const string QueueArn = "arn:aws:sqs:us-east-1:123456789012:failures";
    private const string QueueUrl = "http://127.0.0.1:5000/123456789012/failures";

    [Theory]
    [InlineData(FunctionName)]
    [InlineData(FunctionName + ":$LATEST")]
    [InlineData(FunctionArn)]
    [InlineData(FunctionArn + ":$LATEST")]
    [InlineData("123456789012:function:" + FunctionName)]
    public void EventInvokeConfig_AppliesToItsFunction_HoweverAwsLetsFunctionNameBeWritten(string functionNameProperty)
    {
        var function = Assert.Single(DataPlaneBuilder.Functions(Stack(Config(functionNameProperty, retries: "0", age: "120", onFailure: QueueArn))));

        Assert.Equal(0, function.MaximumRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(120), function.MaximumEventAge);
        Assert.Equal(new AsyncFailureTarget(QueueArn, QueueUrl), function.OnFailure);
    }

    [Fact]
    public void AnotherFunctionsConfig_LeavesLambdasDefaults_TwoRetriesAndSixHours()
    {
        var function = Assert.Single(DataPlaneBuilder.Functions(Stack(Config("secure-lambda-InternalLambdaOther", retries: "0", age: "120", onFailure: null))));

        Assert.Equal(EventInvokeConfigs.DefaultMaximumRetryAttempts, function.MaximumRetryAttempts);
        Assert.Equal(2, function.MaximumRetryAttempts);
        Assert.Equal(TimeSpan.FromHours(6), function.MaximumEventAge);
        Assert.Null(function.OnFailure);
    }

    [Fact]
    public void SendFailedEventsOutsideTheStack_IsRefused_AtStartup()
    {
        var error = Assert.Throws<UnsupportedTemplateException>(() => DataPlaneBuilder.Functions(
            Stack(Config(FunctionName, retries: null, age: null, onFailure: "arn:aws:sqs:us-east-1:999999999999:attacker"))));

        Assert.Equal(("InternalLambdaEventInvokeConfig", "AWS::Lambda::EventInvokeConfig"), (error.LogicalId, error.ResourceType));
        Assert.Contains("is not an SQS queue of the stack", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheModel_CarriesTheStacksSubscriptions_AsProvisioningRoutedThem()
    {
        var subscription = new LambdaSubscription("Subscription", "arn:aws:sns:us-east-1:123456789012:t", "InternalLambda", FunctionName, "arn:aws:sns:us-east-1:123456789012:t:s", QueueArn);
        var stack = Stack() with { LambdaSubscriptions = [subscription] };

        var model = DataPlaneBuilder.Build(stack, TimeProvider.System, IamMode.Off);

        Assert.Equal([new SnsLambdaRoute(subscription, new AsyncFailureTarget(QueueArn, QueueUrl))], model.Subscriptions);
        Assert.Equal(FunctionName, Assert.Single(model.Functions).FunctionName);
        Assert.Empty(model.Stages);
    }

    private static ProvisionedResource Config(string functionName, string? retries, string? age, string? onFailure)
    {
        var properties = new JsonObject { ["FunctionName"] = functionName, ["Qualifier"] = "$LATEST" };
        if (retries is not null)
        {
            properties["MaximumRetryAttempts"] = retries;
        }

        if (age is not null)
        {
            properties["MaximumEventAgeInSeconds"] = age;
        }

        if (onFailure is not null)
        {
            properties["DestinationConfig"] = new JsonObject { ["OnFailure"] = new JsonObject { ["Destination"] = onFailure } };
        }

        return new ProvisionedResource("InternalLambdaEventInvokeConfig", "AWS::Lambda::EventInvokeConfig", "config-1", properties, new Dictionary<string, JsonNode>());
    }

    private static ProvisionedResource Role(string logicalId, JsonObject properties) =>
        new(logicalId, "AWS::IAM::Role", logicalId, properties, new Dictionary<string, JsonNode> { ["Arn"] = $"arn:aws:iam::123456789012:role/{logicalId}" });

    private static ProvisionedStack WithRole(string role, params ProvisionedResource[] extra)
    {
        var stack = Stack(extra);
        return stack with
        {
            Resources = [.. stack.Resources.Select(resource => resource.Type == "AWS::Lambda::Function"
                ? resource with { Properties = new JsonObject { ["Timeout"] = "10", ["Role"] = $"arn:aws:iam::123456789012:role/{role}" } }
                : resource)],
        };
    }

    /// <summary>What a function may call cannot be known without its role's statements: LocalCloud stops rather than guess.</summary>
    [Fact]
    public void AFunctionWhoseRoleIsNotTheStacks_StopsTheDataPlane_UnlessIamIsOff()
    {
        var stack = WithRole("SomeoneElsesRole");

        var error = Assert.Throws<UnsupportedTemplateException>(() => DataPlaneBuilder.Build(stack, TimeProvider.System));

        Assert.Contains("is not an AWS::IAM::Role of the stack", error.Message, StringComparison.Ordinal);
        Assert.Contains("LocalCloud:Iam:Mode=Off", error.Message, StringComparison.Ordinal);
        Assert.False(DataPlaneBuilder.Build(stack, TimeProvider.System, IamMode.Off).Policies.IsEvaluated);
    }

    [Fact]
    public void AFunctionsRoleWithAnAwsManagedPolicy_StopsTheDataPlane_ButARoleNoFunctionAssumes_DoesNot()
    {
        JsonObject Managed() => new() { ["ManagedPolicyArns"] = new JsonArray("arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs") };

        var functionsRole = WithRole("FunctionRole", Role("FunctionRole", Managed()));
        var servicesRole = WithRole("FunctionRole", Role("FunctionRole", new JsonObject()), Role("ApiGatewayCloudWatchRole", Managed()));

        var error = Assert.Throws<UnsupportedTemplateException>(() => DataPlaneBuilder.Build(functionsRole, TimeProvider.System));
        Assert.Contains("has the managed policy arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs", error.Message, StringComparison.Ordinal);
        Assert.True(DataPlaneBuilder.Build(servicesRole, TimeProvider.System).Policies.IsEvaluated);
    }

    [Fact]
    public void APolicyElementLocalCloudCannotEvaluate_StopsTheDataPlane_NamingThePolicyAndTheElement()
    {
        var role = Role("FunctionRole", new JsonObject
        {
            ["Policies"] = new JsonArray(new JsonObject
            {
                ["PolicyName"] = "Greeting",
                ["PolicyDocument"] = JsonNode.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"*","Condition":{"StringEqualsSometimes":{"aws:SourceAccount":"123456789012"}}}]}"""),
            }),
        });

        var error = Assert.Throws<PolicyNotEvaluableException>(() => DataPlaneBuilder.Build(WithRole("FunctionRole", role), TimeProvider.System));

        Assert.Equal("FunctionRole/Greeting", error.PolicyName);
        Assert.Contains("StringEqualsSometimes", error.Element, StringComparison.Ordinal);
    }

    private static ProvisionedStack Stack(params ProvisionedResource[] extra) => new(
        new StackState(CloudFormationTemplate.Parse("Resources: {}", "test.yaml"), new StackSettings(Region: "us-east-1")),
        [
            new ProvisionedResource("InternalLambda", "AWS::Lambda::Function", FunctionName, new JsonObject { ["Timeout"] = "10" },
                new Dictionary<string, JsonNode> { ["Arn"] = FunctionArn }),
            new ProvisionedResource("Failures", "AWS::SQS::Queue", QueueUrl, new JsonObject(),
                new Dictionary<string, JsonNode> { ["Arn"] = QueueArn, ["QueueUrl"] = QueueUrl }),
            .. extra,
        ],
        new Dictionary<string, string>(),
        [],
        [],
        []);
}
