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
using SecureLambda.LocalCloud.ApiGateway.UsagePlans;
using SecureLambda.LocalCloud.ApiGateway.Validation;
using SecureLambda.LocalCloud.Authorizers;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Tests.Waf;
using SecureLambda.LocalCloud.Waf;

namespace SecureLambda.LocalCloud.Tests.ApiGateway.Steps;

/// <summary>
/// Each of the gateway's steps alone, over a hand-built stage: no host, no engine, no function. The order they run in is
/// AWS's (WAF, throttling, authorizer, API key, validation; see <see cref="GatewayPipeline"/>); each returns the gateway response
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

    [Theory]
    [InlineData(null, "no x-api-key header")]
    [InlineData("", "an empty one")]
    [InlineData("guessed-key-value-0000000000", "a value of no key")]
    [InlineData("VALID-KEY-VALUE-1111111111", "the right value in other case: values are case-sensitive")]
    [InlineData("disabled-key-value-2222222222", "a disabled key")]
    [InlineData("loose-key-value-3333333333", "a key in no plan")]
    [InlineData("other-stage-key-value-4444444444", "a key whose plan covers another stage only")]
    public async Task CallAKeyedMethod_WithoutAKeyOfAPlanForThisStage_IsInvalidApiKey(string? key, string why)
    {
        var request = await Routed(KeyedStage(), apiKey: key);

        Assert.True(GatewayResponse.InvalidApiKey == await new ApiKeyStep(new UsageMeter(_time)).RunAsync(request), why);
        Assert.Null(request.ApiKey);
    }

    [Fact]
    public async Task CallAKeyedMethod_WithAKeyOfItsPlan_PassesAndNamesTheKey_ThenMeetsThePlansThrottleAndQuota()
    {
        var step = new ApiKeyStep(new UsageMeter(_time));
        var stage = KeyedStage(new ThrottleLimits(RatePerSecond: 1, Burst: 2), QuotaSettings.TryCreate(3, 0, "DAY", out _));

        var first = await Routed(stage, apiKey: "valid-key-value-1111111111");
        Assert.Null(await step.RunAsync(first));
        Assert.Equal("k1", first.ApiKey?.Id);
        Assert.Null(await step.RunAsync(await Routed(stage, apiKey: "valid-key-value-1111111111")));
        Assert.Same(GatewayResponse.Throttled, await step.RunAsync(await Routed(stage, apiKey: "valid-key-value-1111111111")));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await step.RunAsync(await Routed(stage, apiKey: "valid-key-value-1111111111")));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Same(GatewayResponse.QuotaExceeded, await step.RunAsync(await Routed(stage, apiKey: "valid-key-value-1111111111")));
    }

    [Fact]
    public async Task ANoisyClient_RefusedByItsPlan_LeavesTheStagesTokens_ForTheOtherClients()
    {
        var stageThrottle = StageThrottle.FromTemplate(new ResourceProperties("GreetingApiStage", "AWS::ApiGateway::Stage", (JsonObject)JsonNode.Parse("""
            {"StageName":"dev","MethodSettings":[{"ResourcePath":"/*","HttpMethod":"*","ThrottlingRateLimit":"0","ThrottlingBurstLimit":"2"}]}
            """)!), _time);
        var stage = KeyedStage(stageThrottle: stageThrottle);
        var step = new ApiKeyStep(new UsageMeter(_time));

        async Task<GatewayResponse?> SendAsync(string key)
        {
            var request = await Routed(stage, apiKey: key);
            return await new ThrottleStep().RunAsync(request) ?? await step.RunAsync(request);
        }

        // Refused for its key, again and again: the stage's bucket of 2 is untouched.
        for (var i = 0; i < 5; i++)
        {
            Assert.Same(GatewayResponse.InvalidApiKey, await SendAsync("guessed-key-value-0000000000"));
        }

        Assert.Null(await SendAsync("valid-key-value-1111111111"));
        Assert.Null(await SendAsync("valid-key-value-1111111111"));
        Assert.Same(GatewayResponse.Throttled, await SendAsync("valid-key-value-1111111111"));
    }

    [Fact]
    public async Task AMethodThatRequiresNoKey_PassesTheApiKeyStep_WithoutOne()
    {
        Assert.Null(await new ApiKeyStep(new UsageMeter(_time)).RunAsync(await Routed(Stage())));
    }

    /// <summary>A stage whose method requires a key, with one plan for it (key k1), a disabled key, a loose key and a plan for another stage.</summary>
    private GatewayStage KeyedStage(ThrottleLimits? throttle = null, QuotaSettings? quota = null, StageThrottle? stageThrottle = null)
    {
        var created = _time.GetUtcNow();
        ApiKeyDefinition Key(string id, string value, bool enabled = true) => new(id, id, id, null, enabled, value, created);
        var catalog = new UsagePlanCatalog(
            [Key("k1", "valid-key-value-1111111111"), Key("k2", "disabled-key-value-2222222222", enabled: false), Key("k3", "loose-key-value-3333333333"), Key("k4", "other-stage-key-value-4444444444")],
            [
                new UsagePlanDefinition("p1", "Plan1", "Plan1", null, [new UsagePlanStage("api123", "dev")], throttle, quota, ["k1", "k2"]),
                new UsagePlanDefinition("p2", "Plan2", "Plan2", null, [new UsagePlanStage("api123", "prod")], null, null, ["k4"]),
            ]);
        var stage = Stage(throttle: stageThrottle);
        var method = stage.Resources[0].Methods["POST"] with { ApiKeyRequired = true };
        return stage with
        {
            Resources = [stage.Resources[0] with { Methods = new Dictionary<string, GatewayMethod> { ["POST"] = method } }],
            UsagePlans = catalog,
        };
    }

    private async Task<GatewayRequest> Routed(GatewayStage stage, string body = "{}", string? apiKey = null)
    {
        var request = Request(stage, body: body);
        if (apiKey is not null)
        {
            request.Context.Request.Headers[ApiKeyStep.Header] = apiKey;
        }

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
