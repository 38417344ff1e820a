using System.Net;
using System.Text;

namespace SecureLambda.LocalCloud.Tests.ApiGateway;

/// <summary>
/// Attacks on the API settings of the production template (issue 8), through LocalCloud's gateway serving the real
/// template over HTTP: each is refused the way AWS refuses it, and the function never runs for it.
/// </summary>
public sealed class HardenedApiGatewayTests(LocalCloudApp app) : IClassFixture<LocalCloudApp>
{
    private const string Lambda1 = "/development/lambda1";

    /// <summary>
    /// With a model mapped to application/json only, API Gateway validates nothing for any other Content-Type, so an
    /// attacker changed the header to slip an invalid body past the validator. The template's <c>$default</c> model
    /// applies to every other content type.
    /// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html
    /// </summary>
    [Theory]
    [InlineData("text/plain", "{\"name\":5}")]
    [InlineData("text/plain", "not json")]
    [InlineData("application/x-www-form-urlencoded", "name=Ada")]
    [InlineData("application/xml", "<name>Ada</name>")]
    public async Task BypassValidation_WithAnotherContentType_IsRefusedWith400(string contentType, string body)
    {
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");
        var before = app.Lambda1.Events;

        using var response = await PostAsync(token, body, contentType);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"message\": \"Invalid request body\"}", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(before, app.Lambda1.Events);
    }

    [Fact]
    public async Task AValidBody_UnderAnotherContentType_StillReachesTheFunction()
    {
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");

        using var response = await PostAsync(token, "{\"name\":\"Ada\"}", "text/plain");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// The DEFAULT_4XX gateway response of the template adds security headers to every answer API Gateway writes
    /// itself, since every 4XX type without a response of its own falls back to it; the status and body stay AWS's.
    /// https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
    /// </summary>
    [Theory]
    // No Authorization header: the web ACL's RequireAuthorizationHeader rule blocks it (WAF_FILTERED, a 4XX).
    [InlineData(false, "{\"name\":\"Ada\"}", HttpStatusCode.Forbidden, "{\"message\":\"Forbidden\"}")]
    [InlineData(true, "{}", HttpStatusCode.BadRequest, "{\"message\": \"Invalid request body\"}")]
    public async Task GatewayResponses_CarryTheSecurityHeaders_WithAwsStatusAndBody(
        bool signedIn, string body, HttpStatusCode status, string expectedBody)
    {
        var token = signedIn ? await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId") : null;

        using var response = await app.PostAsync(Lambda1, token, body);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(expectedBody, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task AForgedToken_Is401_WithTheSecurityHeaders()
    {
        using var response = await app.PostAsync(Lambda1, "not-a-token", "{\"name\":\"Ada\"}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("{\"message\":\"Unauthorized\"}", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task MissingAuthenticationToken_CarriesTheSecurityHeaders()
    {
        // With an Authorization header, so that the web ACL lets it through to the route lookup.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/development/nope") { Headers = { { "Authorization", "anything" } } };
        using var response = await app.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("{\"message\":\"Missing Authentication Token\"}", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        AssertSecurityHeaders(response);
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal("no-store", response.Headers.GetValues("Cache-Control").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("max-age=31536000; includeSubDomains", response.Headers.GetValues("Strict-Transport-Security").Single());
    }

    private Task<HttpResponseMessage> PostAsync(string token, string body, string contentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Lambda1) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.TryAddWithoutValidation("Authorization", token);
        return app.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
