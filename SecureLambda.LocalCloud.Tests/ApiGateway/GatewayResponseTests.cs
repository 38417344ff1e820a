using Microsoft.AspNetCore.Http;
using SecureLambda.LocalCloud.ApiGateway;
using SecureLambda.LocalCloud.ApiGateway.Throttling;
using SecureLambda.LocalCloud.DataPlane;

namespace SecureLambda.LocalCloud.Tests.ApiGateway;

public sealed class GatewayResponseTests
{
    [Theory]
    [InlineData("MISSING_AUTHENTICATION_TOKEN", 403, "{\"message\":\"Missing Authentication Token\"}")]
    [InlineData("UNAUTHORIZED", 401, "{\"message\":\"Unauthorized\"}")]
    [InlineData("BAD_REQUEST_BODY", 400, "{\"message\": \"Invalid request body\"}")]
    [InlineData("INTEGRATION_TIMEOUT", 504, "{\"message\": \"Endpoint request timed out\"}")]
    [InlineData("DEFAULT_5XX", 502, "{\"message\": \"Internal server error\"}")]
    [InlineData("THROTTLED", 429, "{\"message\":\"Too Many Requests\"}")]
    [InlineData("WAF_FILTERED", 403, "{\"message\":\"Forbidden\"}")]
    public async Task WritesAwsDefaultAnswers_ByteForByte(string type, int status, string body)
    {
        var answer = typeof(GatewayResponse).GetFields().Select(f => f.GetValue(null)).OfType<GatewayResponse>().First(a => a.ResponseType == type);

        var (code, written, _) = await WriteAsync(answer, Stage());

        Assert.Equal(status, code);
        Assert.Equal(body, written);
    }

    [Fact]
    public async Task AppliesTheTemplatesGatewayResponse_StatusHeadersAndTemplate()
    {
        var stage = Stage(new GatewayResponseOverride(
            "UNAUTHORIZED",
            403,
            new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = "*" },
            "{\"error\":$context.error.messageString,\"requestId\":\"$context.requestId\"}"));

        var (code, body, headers) = await WriteAsync(GatewayResponse.Unauthorized, stage);

        Assert.Equal(403, code);
        Assert.Equal("{\"error\":\"Unauthorized\",\"requestId\":\"req-1\"}", body);
        Assert.Equal("*", headers["Access-Control-Allow-Origin"]);
    }

    [Fact]
    public async Task FallsBackToDefault4xx_WhenTheTypeHasNoOverride()
    {
        var stage = Stage(new GatewayResponseOverride("DEFAULT_4XX", null, new Dictionary<string, string>(), "{\"oops\":$context.error.messageString}"));

        var (code, body, _) = await WriteAsync(GatewayResponse.Throttled, stage);

        Assert.Equal(429, code);
        Assert.Equal("{\"oops\":\"Too Many Requests\"}", body);
    }

    private static GatewayStage Stage(params GatewayResponseOverride[] overrides) => new(
        "123456789012",
        "api123",
        "development",
        [],
        new StageThrottle("development", [], TimeProvider.System),
        null,
        overrides.ToDictionary(o => o.ResponseType));

    private static async Task<(int Status, string Body, IHeaderDictionary Headers)> WriteAsync(GatewayResponse answer, GatewayStage stage)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await GatewayResponses.WriteAsync(context, answer, stage, "req-1");
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync(TestContext.Current.CancellationToken), context.Response.Headers);
    }
}
