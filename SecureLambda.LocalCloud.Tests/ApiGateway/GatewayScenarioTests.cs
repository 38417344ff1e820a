using System.Net;
using System.Text.Json;

namespace SecureLambda.LocalCloud.Tests.ApiGateway;

/// <summary>
/// The production template served by LocalCloud, through real HTTP, with real Cognito tokens from the engine: each
/// answer with AWS's exact status and body, and the function never invoked for a refused request.
/// </summary>
public sealed class GatewayScenarioTests(LocalCloudApp app) : IClassFixture<LocalCloudApp>
{
    private const string Lambda1 = "/development/lambda1";
    private const string Lambda2 = "/development/lambda2";

    [Fact]
    public async Task Returns200FromTheFunction_WithTheProxyEventApiGatewayBuilds()
    {
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");

        using var response = await app.PostAsync(Lambda1 + "?debug=1", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("X-Echo").Single());
        var requestId = response.Headers.GetValues("x-amzn-RequestId").Single();
        var proxyEvent = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("/lambda1", proxyEvent.GetProperty("resource").GetString());
        Assert.Equal("/lambda1", proxyEvent.GetProperty("path").GetString());
        Assert.Equal("POST", proxyEvent.GetProperty("httpMethod").GetString());
        Assert.Equal("{\"name\":\"Ada\"}", proxyEvent.GetProperty("body").GetString());
        Assert.False(proxyEvent.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal("1", proxyEvent.GetProperty("queryStringParameters").GetProperty("debug").GetString());
        var context = proxyEvent.GetProperty("requestContext");
        Assert.Equal(requestId, context.GetProperty("requestId").GetString());
        Assert.Equal("development", context.GetProperty("stage").GetString());
        Assert.Equal("/lambda1", context.GetProperty("resourcePath").GetString());
        Assert.Equal("/development/lambda1", context.GetProperty("path").GetString());
        Assert.Equal("127.0.0.1", context.GetProperty("identity").GetProperty("sourceIp").GetString());
        var claims = context.GetProperty("authorizer").GetProperty("claims");
        Assert.Equal(LocalCloudApp.User1, claims.GetProperty("email").GetString());
        Assert.Equal("id", claims.GetProperty("token_use").GetString());
        Assert.Equal(app.Outputs.GetProperty("UserPool1ClientId").GetString(), claims.GetProperty("aud").GetString());
    }

    [Fact]
    public async Task EachPoolOpensOnlyItsOwnRoute()
    {
        var user1 = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");
        var user2 = await app.SignInAsync(LocalCloudApp.User2, "UserPool2ClientId");

        using var user2OnLambda2 = await app.PostAsync(Lambda2, user2);
        var before = app.Lambda1.Events + app.Lambda2.Events;
        using var user2OnLambda1 = await app.PostAsync(Lambda1, user2);
        using var user1OnLambda2 = await app.PostAsync(Lambda2, user1);

        Assert.Equal(HttpStatusCode.OK, user2OnLambda2.StatusCode);
        await AssertAnswerAsync(user2OnLambda1, HttpStatusCode.Unauthorized, "{\"message\":\"Unauthorized\"}");
        await AssertAnswerAsync(user1OnLambda2, HttpStatusCode.Unauthorized, "{\"message\":\"Unauthorized\"}");
        Assert.Equal(before, app.Lambda1.Events + app.Lambda2.Events);
    }

    // Without an Authorization header (or with an empty one) the web ACL refuses the request first: see
    // Waf/AnonymousFloodGatewayTests.
    [Theory]
    [InlineData("not-a-token")]
    [InlineData("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIiwidG9rZW5fdXNlIjoiaWQifQ.")]
    public async Task Returns401Unauthorized_WithoutAValidToken_AndNeverInvokesTheFunction(string? token)
    {
        var before = app.Lambda1.Events;

        using var response = await app.PostAsync(Lambda1, token);

        await AssertAnswerAsync(response, HttpStatusCode.Unauthorized, "{\"message\":\"Unauthorized\"}");
        Assert.Equal("UnauthorizedException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal(before, app.Lambda1.Events);
    }

    [Fact]
    public async Task Returns401_ForAnAccessTokenInsteadOfAnIdToken()
    {
        var accessToken = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId", "AccessToken");

        using var response = await app.PostAsync(Lambda1, accessToken);

        await AssertAnswerAsync(response, HttpStatusCode.Unauthorized, "{\"message\":\"Unauthorized\"}");
    }

    [Theory]
    [InlineData("{\"name\":5}")]
    [InlineData("{\"name\":\"\"}")]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task Returns400InvalidRequestBody_WhenTheModelRejectsTheBody_AndNeverInvokesTheFunction(string body)
    {
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");
        var before = app.Lambda1.Events;

        using var response = await app.PostAsync(Lambda1, token, body);

        await AssertAnswerAsync(response, HttpStatusCode.BadRequest, "{\"message\": \"Invalid request body\"}");
        Assert.Equal(before, app.Lambda1.Events);
    }

    [Theory]
    [InlineData("POST", "/development/nope")]
    [InlineData("GET", "/development/lambda1")]
    [InlineData("POST", "/development")]
    [InlineData("POST", "/development/lambda1/extra")]
    public async Task Returns403MissingAuthenticationToken_ForAnUnknownRouteOrMethod(string method, string path)
    {
        // With an Authorization header, so that the web ACL (which refuses anonymous requests) lets it reach routing.
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Headers = { { "Authorization", "not-a-token" } } };
        using var response = await app.Http.SendAsync(request, TestContext.Current.CancellationToken);

        await AssertAnswerAsync(response, HttpStatusCode.Forbidden, "{\"message\":\"Missing Authentication Token\"}");
    }

    [Fact]
    public async Task Returns403Forbidden_ForAnUnknownStage()
    {
        using var response = await app.PostAsync("/production/lambda1", token: null);

        await AssertAnswerAsync(response, HttpStatusCode.Forbidden, "{\"message\":\"Forbidden\"}");
    }

    [Fact]
    public async Task OutputsResolveToTheEngine_AndTheApiUrlIsTheLocalStage()
    {
        Assert.StartsWith("us-east-1_", app.Outputs.GetProperty("UserPool1Id").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(app.Outputs.GetProperty("UserPool1Id").GetString(), app.Outputs.GetProperty("UserPool2Id").GetString());
        Assert.EndsWith("/development", app.Outputs.GetProperty("ApiUrl").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("http://localhost:4567", app.Outputs.GetProperty("ApiUrl").GetString(), StringComparison.Ordinal);
    }

    internal static async Task AssertAnswerAsync(HttpResponseMessage response, HttpStatusCode status, string body)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(response.Headers.Contains("x-amzn-RequestId"), "Every answer carries x-amzn-RequestId.");
    }
}
