using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using SecureLambda.CloudFormation.Properties;
using SecureLambda.LocalCloud.ApiGateway;
using SecureLambda.LocalCloud.ApiGateway.Throttling;
using SecureLambda.LocalCloud.ApiGateway.Validation;
using SecureLambda.LocalCloud.Authorizers;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Tests.Waf;
using SecureLambda.LocalCloud.Waf;

namespace SecureLambda.LocalCloud.Tests.ApiGateway.Steps;

/// <summary>
/// Each of the gateway's steps alone, over a hand-built stage: no host, no engine, no function. The order they run in is
/// AWS's (WAF, throttling, authorizer, validation; see <see cref="GatewayPipeline"/>); each returns the gateway response
/// that ends the request, or null to let it go on.
/// </summary>
public sealed class GatewayStepTests
{
    private const string FunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:steps-Hello";

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task ReachTheApi_FromABlockedAddress_IsStoppedByTheWebAcl_WithWafFiltered()
    {
        var acl = new WebAclEvaluator(WafTestAcls.Parse(WafTestAcls.Acl("acl", "Allow", WafTestAcls.Rule("BlockV4", 0, "Block", WafTestAcls.InV4))), _time);
        var blocked = Request(Stage(webAcl: acl), sourceIp: "10.1.2.3");
        var allowed = Request(Stage(webAcl: acl), sourceIp: "203.0.113.9");

        Assert.Same(GatewayResponse.WafFiltered, await new WebAclStep().RunAsync(blocked));
        Assert.Null(await new WebAclStep().RunAsync(allowed));
    }

    [Fact]
    public async Task ProbeForUnknownRoutes_GetsMissingAuthenticationToken_AndKnownRoutesAreMatched()
    {
        var unknown = Request(Stage(), path: "/admin");
        var known = Request(Stage(), path: "/hello");

        Assert.Same(GatewayResponse.MissingAuthenticationToken, await new RouteStep().RunAsync(unknown));
        Assert.Null(await new RouteStep().RunAsync(known));
        Assert.Equal("/hello", known.Route?.Method.ResourcePath);
    }

    [Fact]
    public async Task FloodTheMethod_BeyondItsBurst_IsThrottled_WithoutRefillInTheSameInstant()
    {
        var throttle = StageThrottle.FromTemplate(new ResourceProperties("GreetingApiStage", "AWS::ApiGateway::Stage", (JsonObject)JsonNode.Parse("""
            {"StageName":"dev","MethodSettings":[{"ResourcePath":"/*","HttpMethod":"*","ThrottlingRateLimit":"1","ThrottlingBurstLimit":"1"}]}
            """)!), _time);
        var stage = Stage(throttle: throttle);

        Assert.Null(await new ThrottleStep().RunAsync(await Routed(stage)));
        Assert.Same(GatewayResponse.Throttled, await new ThrottleStep().RunAsync(await Routed(stage)));
    }

    [Fact]
    public async Task CallAnAuthorizedMethod_WithoutAToken_IsUnauthorized_AndNoClaimsAreSet()
    {
        var authorizer = new CognitoAuthorizerSettings("pool-authorizer", "us-east-1", ["us-east-1_AbC"], new HashSet<string> { "client" }, null);
        var step = new AuthorizerStep(new CognitoTokenValidator(new NoKeys(), _time, NullLogger<CognitoTokenValidator>.Instance), NullLogger<GatewayPipeline>.Instance);
        var request = await Routed(Stage(authorizer: authorizer));

        Assert.Same(GatewayResponse.Unauthorized, await step.RunAsync(request));
        Assert.Null(request.Claims);
    }

    [Fact]
    public async Task AnOpenMethod_PassesTheAuthorizerStep_WithoutAToken()
    {
        var step = new AuthorizerStep(new CognitoTokenValidator(new NoKeys(), _time, NullLogger<CognitoTokenValidator>.Instance), NullLogger<GatewayPipeline>.Instance);

        Assert.Null(await step.RunAsync(await Routed(Stage())));
    }

    [Fact]
    public async Task SendABodyOutsideTheModel_IsBadRequestBody_AndAConformingOnePasses()
    {
        var models = new Dictionary<string, JsonSchema>
        {
            [RequestBodyValidator.DefaultContentType] = JsonSchema.Parse(JsonNode.Parse("""{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}}""")!, "GreetingModel"),
        };
        var stage = Stage(bodyModels: models);

        Assert.Same(GatewayResponse.BadRequestBody, await new RequestValidationStep().RunAsync(await Routed(stage, body: """{"name":7}""")));
        Assert.Null(await new RequestValidationStep().RunAsync(await Routed(stage, body: """{"name":"Ada"}""")));
    }

    private async Task<GatewayRequest> Routed(GatewayStage stage, string body = "{}")
    {
        var request = Request(stage, body: body);
        Assert.Null(await new RouteStep().RunAsync(request));
        return request;
    }

    private GatewayStage Stage(
        WebAclEvaluator? webAcl = null,
        StageThrottle? throttle = null,
        CognitoAuthorizerSettings? authorizer = null,
        IReadOnlyDictionary<string, JsonSchema>? bodyModels = null) => new(
        "123456789012",
        "api123",
        "dev",
        [new GatewayResource("r1", "/hello", new Dictionary<string, GatewayMethod> { ["POST"] = new("POST", "r1", "/hello", authorizer, bodyModels, FunctionArn) })],
        throttle ?? new StageThrottle("dev", [], _time),
        webAcl,
        new Dictionary<string, GatewayResponseOverride>());

    private GatewayRequest Request(GatewayStage stage, string path = "/hello", string sourceIp = "203.0.113.9", string body = "{}")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/dev" + path;
        context.Request.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(body);
        return new GatewayRequest(context, new ServedStage(stage, new RouteTable(stage.Resources)), path, "req-1", _time.GetUtcNow(), IPAddress.Parse(sourceIp), bytes);
    }

    private sealed class NoKeys : IJwksProvider
    {
        public Task<JsonWebKey?> FindSigningKeyAsync(string userPoolId, string keyId, CancellationToken cancellationToken) => Task.FromResult<JsonWebKey?>(null);
    }
}
