using System.Net;
using System.Text;
using System.Text.Json;
using SecureLambda.Aws.Core;
using SecureLambda.LocalCloud.Tests.ApiGateway;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Attacks;

/// <summary>
/// A hostile process on the same machine, or a web page in the developer's browser, against LocalCloud on a real
/// port: nothing reaches a function except through its front doors (the gateway, and a signed Invoke).
/// </summary>
public sealed class FrontDoorAttackTests(LocalCloudApp app) : IClassFixture<LocalCloudApp>
{
    private const string ForgedEvent =
        """{"resource":"/lambda1","path":"/lambda1","httpMethod":"POST","requestContext":{"authorizer":{"claims":{"email":"admin@example.com"}}},"body":"{\"name\":\"Mallory\"}"}""";

    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    /// <summary>In AWS the Runtime API is inside the sandbox (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html).</summary>
    [Theory]
    [InlineData("/ExternalLambda1/2018-06-01/runtime/invocation/next")]
    [InlineData("/ExternalLambda1/00000000000000000000000000000000/2018-06-01/runtime/invocation/next")]
    [InlineData("/secure-lambda-ExternalLambda1/guess/2018-06-01/runtime/invocation/next")]
    public async Task StealEvent_KnowingOnlyTheFunctionsName_IsRefused(string path)
    {
        using var http = new HttpClient { BaseAddress = app.Address };

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), _cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Lambda-Runtime-Aws-Request-Id"));
    }

    [Fact]
    public async Task ForgeAnswer_WithoutTheSecret_IsRefusedBeforeTheRequestIdIsEvenLookedUp()
    {
        using var http = new HttpClient { BaseAddress = app.Address };

        using var forged = await http.PostAsync(new Uri("/ExternalLambda1/0123456789abcdef0123456789abcdef/2018-06-01/runtime/invocation/any-id/response", UriKind.Relative),
            new StringContent("""{"statusCode":200,"body":"{\"message\":\"forged\"}"}"""), _cancellation);
        using var owner = await http.PostAsync(new Uri($"/{app.RuntimePrefix("ExternalLambda1")}/2018-06-01/runtime/invocation/any-id/response", UriKind.Relative),
            new StringContent("{}"), _cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal("AccessDenied", JsonDocument.Parse(await forged.Content.ReadAsStringAsync(_cancellation)).RootElement.GetProperty("errorType").GetString());
        // The process that holds the secret reaches the Runtime API: only the unknown request id stops it.
        Assert.Equal(HttpStatusCode.BadRequest, owner.StatusCode);
    }

    /// <summary>Lambda serves only SigV4-signed requests (https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html).</summary>
    [Fact]
    public async Task InvokeUnsigned_FromAWebPageWithForgedClaims_Is403MissingAuthenticationToken_AndNothingRuns()
    {
        using var http = new HttpClient { BaseAddress = app.AwsEndpoint };
        var before = app.Lambda1.Events;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/2015-03-31/functions/ExternalLambda1/invocations")
        {
            Content = new StringContent(ForgedEvent, Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await http.SendAsync(request, _cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("""{"message":"Missing Authentication Token"}""", await response.Content.ReadAsStringAsync(_cancellation));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(before, app.Lambda1.Events);
    }

    [Fact]
    public async Task InvokeSigned_WithAGuessedSecret_Is403InvalidSignature()
    {
        using var http = SigV4SigningHandler.Client(app.AwsEndpoint, new AwsCredentials(MotoServer.AccessKeyId, "guessed"));

        using var response = await http.PostAsync(new Uri("/2015-03-31/functions/ExternalLambda1/invocations", UriKind.Relative), new StringContent(ForgedEvent), _cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("InvalidSignatureException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.StartsWith("The request signature we calculated does not match", JsonDocument.Parse(await response.Content.ReadAsStringAsync(_cancellation)).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeSigned_WithAnInventedAccessKey_Is403UnrecognizedClient()
    {
        using var http = SigV4SigningHandler.Client(app.AwsEndpoint, new AwsCredentials("AKIAINVENTED", "whatever"));

        using var response = await http.PostAsync(new Uri("/2015-03-31/functions/ExternalLambda1/invocations", UriKind.Relative), new StringContent(ForgedEvent), _cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("UnrecognizedClientException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("""{"message":"The security token included in the request is invalid."}""", await response.Content.ReadAsStringAsync(_cancellation));
    }

    [Fact]
    public async Task AwsCli_WithTheAccountsCredentials_StillInvokes()
    {
        var outFile = Path.Combine(Path.GetTempPath(), $"lambda-invoke-{Guid.NewGuid():N}.json");
        try
        {
            var result = await AwsCli.RunAsync("lambda", "invoke", "--endpoint-url", app.AwsEndpoint.ToString().TrimEnd('/'), "--function-name", "ExternalLambda1", outFile);

            Assert.Equal(200, result.GetProperty("StatusCode").GetInt32());
            Assert.Equal(200, JsonDocument.Parse(await File.ReadAllTextAsync(outFile, _cancellation)).RootElement.GetProperty("statusCode").GetInt32());
        }
        finally
        {
            File.Delete(outFile);
        }
    }

    /// <summary>DNS rebinding: a page on evil.example, re-resolved to 127.0.0.1, sends its own name as Host.</summary>
    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:4567")]
    [InlineData("localhost.evil.example")]
    [InlineData("127.0.0.1.nip.io")]
    public async Task RebindHost_ToAnotherName_Is400_AndNothingIsServed(string host)
    {
        using var http = new HttpClient { BaseAddress = app.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_localcloud/outputs");
        request.Headers.Host = host;

        using var response = await http.SendAsync(request, _cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("UserPool", await response.Content.ReadAsStringAsync(_cancellation), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    public async Task LoopbackNames_AreServed(string host)
    {
        using var http = new HttpClient { BaseAddress = app.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_localcloud/outputs");
        request.Headers.Host = $"{host}:{app.Address.Port}";

        using var response = await http.SendAsync(request, _cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The template declares no CORS, so API Gateway adds no CORS headers: no other origin may read an answer.</summary>
    [Theory]
    [InlineData("/development/lambda1")]
    [InlineData("/2015-03-31/functions/ExternalLambda1/invocations")]
    [InlineData("/_localcloud/outputs")]
    public async Task ReadAnswers_FromAnotherOrigin_GetsNoCorsPermission(string path)
    {
        using var http = new HttpClient { BaseAddress = app.Address };
        using var preflight = new HttpRequestMessage(HttpMethod.Options, path);
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");

        using var response = await http.SendAsync(preflight, _cancellation);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Headers"));
        Assert.True((int)response.StatusCode < 500);
    }
}
