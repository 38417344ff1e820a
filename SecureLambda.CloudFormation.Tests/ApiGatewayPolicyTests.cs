using SecureLambda.CloudFormation.Intrinsics;
using SecureLambda.CloudFormation.Tests.Policies;
using Xunit;

namespace SecureLambda.CloudFormation.Tests;

public sealed class ApiGatewayPolicyTests
{
    private static readonly CloudFormationTemplate Template = SecureLambdaTemplate.Template;

    [Fact]
    public void EveryMethod_HasACognitoAuthorizer()
    {
        Assert.NotEmpty(Template.OfType("AWS::ApiGateway::Method"));
        Assert.Empty(TemplatePolicies.MethodsWithoutCognitoAuthorizer(Template));
    }

    [Fact]
    public void EveryMethod_RequiresAnApiKey_AndEveryKeyIsInAUsagePlanWithLimits()
    {
        Assert.Equal(2, Template.OfType("AWS::ApiGateway::ApiKey").Count());
        Assert.Empty(TemplatePolicies.ApiKeysWithoutUsagePlan(Template));
    }

    [Fact]
    public void EachClientApp_HasAPlanOfItsOwn_WithTheClientParameters()
    {
        foreach (var app in new[] { "ClientApp1", "ClientApp2" })
        {
            var planKey = Template.Resources[$"{app}UsagePlanKey"];
            Assert.Equal($"{app}ApiKey", IntrinsicReferences.RefTarget(planKey.Properties["KeyId"]));
            Assert.Equal($"{app}UsagePlan", IntrinsicReferences.RefTarget(planKey.Properties["UsagePlanId"]));
            var plan = Template.Resources[$"{app}UsagePlan"];
            Assert.Equal("ClientThrottlingRateLimit", IntrinsicReferences.RefTarget(plan.Properties["Throttle"]!["RateLimit"]));
            Assert.Equal("ClientThrottlingBurstLimit", IntrinsicReferences.RefTarget(plan.Properties["Throttle"]!["BurstLimit"]));
            Assert.Equal("ClientDailyQuota", IntrinsicReferences.RefTarget(plan.Properties["Quota"]!["Limit"]));
            Assert.Equal("DAY", plan.Properties["Quota"]!["Period"]!.GetValue<string>());
        }
    }

    [Fact]
    public void EachRoute_IsGuardedByItsOwnUserPoolOnly()
    {
        var pool1 = RouteFor("lambda1");
        var pool2 = RouteFor("lambda2");

        Assert.NotEqual(pool1.Authorizer, pool2.Authorizer);
        Assert.NotEqual(pool1.UserPool, pool2.UserPool);
        Assert.Equal(("MyUserPool1", "ExternalLambda1"), (pool1.UserPool, pool1.Function));
        Assert.Equal(("MyUserPool2", "ExternalLambda2"), (pool2.UserPool, pool2.Function));
    }

    [Fact]
    public void EveryMethod_ValidatesItsBodyAgainstTheGreetingModel_WhateverItsContentType()
    {
        foreach (var method in Template.OfType("AWS::ApiGateway::Method"))
        {
            var validator = Template.Target(method.Properties["RequestValidatorId"]);
            Assert.True(validator is { Type: "AWS::ApiGateway::RequestValidator" }, $"{method} has no request validator");
            Assert.Equal("true", validator.Text("ValidateRequestBody"));
            Assert.Equal("GreetingRequestModel", IntrinsicReferences.RefTarget(method.Properties["RequestModels"]?["application/json"]));
            // Without $default a body of any other Content-Type is not validated at all.
            // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html
            Assert.Equal("GreetingRequestModel", IntrinsicReferences.RefTarget(method.Properties["RequestModels"]?["$default"]));
        }

        var schema = Template.Resource("GreetingRequestModel").Properties["Schema"]!;
        Assert.Equal("http://json-schema.org/draft-04/schema#", (string?)schema["$schema"]);
        Assert.Equal(["name"], schema["required"]!.AsArray().Select(item => (string?)item));
        Assert.Equal("string", (string?)schema["properties"]!["name"]!["type"]);
        Assert.Equal("1", (string?)schema["properties"]!["name"]!["minLength"]);
        Assert.Equal("128", (string?)schema["properties"]!["name"]!["maxLength"]);
    }

    [Fact]
    public void Stage_ThrottlesEveryMethodFromTheThrottlingParameters()
    {
        var stage = Assert.Single(Template.OfType("AWS::ApiGateway::Stage"));
        var settings = Assert.Single(
            stage.Properties["MethodSettings"]!.AsArray(),
            setting => (string?)setting!["ResourcePath"] == "/*" && (string?)setting["HttpMethod"] == "*")!;

        Assert.Equal("ThrottlingRateLimit", IntrinsicReferences.RefTarget(settings["ThrottlingRateLimit"]));
        Assert.Equal("ThrottlingBurstLimit", IntrinsicReferences.RefTarget(settings["ThrottlingBurstLimit"]));
        Assert.Equal("50", (string?)Template.Parameters["ThrottlingRateLimit"].Default);
        Assert.Equal("100", (string?)Template.Parameters["ThrottlingBurstLimit"].Default);
    }

    [Fact]
    public void Stage_WritesAccessLogsAndDependsOnTheAccountLoggingRole()
    {
        var stage = Template.Resource("GreetingApiStage");

        Assert.Equal("true", stage.Text("TracingEnabled"));
        Assert.Contains("ApiAccessLogGroup", IntrinsicReferences.References(stage.Properties["AccessLogSetting"]?["DestinationArn"]));
        var format = (string?)stage.Properties["AccessLogSetting"]?["Format"];
        Assert.NotNull(format);
        foreach (var variable in new[] { "$context.requestId", "$context.identity.sourceIp", "$context.status",
                     "$context.authorizer.error", "$context.wafResponseCode" })
        {
            Assert.Contains(variable, format, StringComparison.Ordinal);
        }

        var account = Assert.Single(Template.OfType("AWS::ApiGateway::Account"));
        Assert.Contains(account.LogicalId, stage.DependsOn);
    }

    [Fact]
    public void Deployment_WaitsForEveryMethod()
    {
        var deployment = Assert.Single(Template.OfType("AWS::ApiGateway::Deployment"));
        var methods = Template.OfType("AWS::ApiGateway::Method").Select(method => method.LogicalId).ToList();

        Assert.Equal(2, methods.Count);
        Assert.All(methods, method => Assert.Contains(method, deployment.DependsOn));
        Assert.Equal(deployment.LogicalId, IntrinsicReferences.RefTarget(Template.Resource("GreetingApiStage").Properties["DeploymentId"]));
    }

    private static (string Authorizer, string UserPool, string Function) RouteFor(string pathPart)
    {
        var resource = Assert.Single(Template.OfType("AWS::ApiGateway::Resource"), r => r.Text("PathPart") == pathPart);
        var method = Assert.Single(
            Template.OfType("AWS::ApiGateway::Method"),
            m => IntrinsicReferences.RefTarget(m.Properties["ResourceId"]) == resource.LogicalId);
        var authorizer = Template.Target(method.Properties["AuthorizerId"])!;
        var provider = Assert.Single(authorizer.Properties["ProviderARNs"]!.AsArray());
        var pool = Template.Target(provider);
        Assert.True(pool is { Type: "AWS::Cognito::UserPool" }, $"{authorizer} does not reference a user pool");
        var function = Assert.Single(
            IntrinsicReferences.References(method.Properties["Integration"]?["Uri"]),
            name => Template.Resources.TryGetValue(name, out var r) && r.Type == "AWS::Lambda::Function");
        return (authorizer.LogicalId, pool.LogicalId, function);
    }
}
