using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SecureLambda.LocalCloud.ApiGateway;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Lambda;
using SecureLambda.LocalCloud.Tests.ApiGateway;
using SecureLambda.LocalCloud.Tests.Lambda;

namespace SecureLambda.LocalCloud.Tests.Attacks;

/// <summary>LocalCloud with a short header timeout, so a slow client's cut-off is seen quickly.</summary>
public sealed class ShortTimeoutApp() : LocalCloudApp(new()
{
    ["LocalCloud:StackName"] = "limits",
    ["LocalCloud:ClientLimits:RequestHeadersTimeout"] = "00:00:02",
});

/// <summary>
/// Oversized and slow requests, answered as AWS answers them and never passed to a function: API Gateway takes at most
/// 10,240 bytes of request line and headers and 10 MB of payload
/// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html);
/// Lambda takes at most 6 MB synchronously, in each direction (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
/// </summary>
public sealed class LimitAttackTests(ShortTimeoutApp app) : IClassFixture<ShortTimeoutApp>
{
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task OversizeHeaders_20KB_Is413_AndTheFunctionNeverRuns()
    {
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");
        var before = app.Lambda1.Events;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/development/lambda1") { Content = new StringContent("{\"name\":\"Ada\"}") };
        request.Headers.TryAddWithoutValidation("Authorization", token);
        request.Headers.TryAddWithoutValidation("X-Padding", new string('a', 20 * 1024));

        using var response = await app.Http.SendAsync(request, _cancellation);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("RequestTooLongException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal(before, app.Lambda1.Events);
    }

    [Fact]
    public async Task HeadersJustUnderTheLimit_AreServed()
    {
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/development/lambda1") { Content = new StringContent("{\"name\":\"Ada\"}", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", token);
        request.Headers.TryAddWithoutValidation("X-Padding", new string('a', GatewayPipeline.MaxRequestLineAndHeaderBytes - token.Length - 400));

        using var response = await app.Http.SendAsync(request, _cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// Over Lambda's 6 MB but under API Gateway's 10 MB: the template's WAF (BodySizeLimit, OversizeHandling MATCH)
    /// refuses it before the gateway would have to, and the function never sees it.
    /// </summary>
    [Fact]
    public async Task OversizeBody_7MB_IsRefusedBeforeTheFunction_WhichLambdaCapsAt6MB()
    {
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");
        var before = app.Lambda1.Events;

        using var response = await app.PostAsync("/development/lambda1", token, $"{{\"name\":\"Ada\",\"pad\":\"{new string('x', 7 * 1024 * 1024)}\"}}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, app.Lambda1.Events);
    }

    [Fact]
    public async Task OversizeBody_11MB_Is413RequestTooLong()
    {
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");

        // Expect: 100-continue lets the answer arrive before the client has pushed 11 MB at a server that will not read them.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/development/lambda1")
        {
            Content = new StringContent($"{{\"name\":\"Ada\",\"pad\":\"{new string('x', 11 * 1024 * 1024)}\"}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", token);
        request.Headers.ExpectContinue = true;

        using var response = await app.Http.SendAsync(request, _cancellation);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("{\"message\":\"Request Too Long\"}", await response.Content.ReadAsStringAsync(_cancellation));
    }

    [Fact]
    public async Task SlowClient_DribblingHeaders_IsCutOff()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(app.Address.Host, app.Address.Port, _cancellation);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /development/lambda1 HTTP/1.1\r\nHost: localhost\r\nX-Slow: "), _cancellation);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        var buffer = new byte[4096];
        var answer = new StringBuilder();
        int read;
        try
        {
            while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0)
            {
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
            // A reset is a cut-off too.
        }

        Assert.False(deadline.IsCancellationRequested, "the connection was still open after 30 s");
        Assert.True(answer.Length == 0 || answer.ToString().StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer.ToString());
    }
}

/// <summary>What a function may put into its proxy response, and what API Gateway makes of it.</summary>
public sealed class ProxyResponseAttackTests
{
    [Fact]
    public async Task ImpersonateTheGateway_ThroughResponseHeaders_GetsThemRemapped()
    {
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        var payload = """{"statusCode":200,"headers":{"x-amzn-RequestId":"forged","Server":"evil","Content-Length":"1","X-Custom":"kept"},"body":"hello"}""";

        Assert.True(await ProxyEvent.TryWriteResponseAsync(context, Encoding.UTF8.GetBytes(payload)));

        Assert.Equal("forged", context.Response.Headers["X-Amzn-Remapped-x-amzn-RequestId"]);
        Assert.Equal("evil", context.Response.Headers["X-Amzn-Remapped-Server"]);
        Assert.Equal("1", context.Response.Headers["X-Amzn-Remapped-Content-Length"]);
        Assert.False(context.Response.Headers.ContainsKey("Server"));
        Assert.Null(context.Response.ContentLength);
        Assert.Equal("kept", context.Response.Headers["X-Custom"]);
    }

    [Theory]
    [InlineData("""{"statusCode":200,"headers":{"X-Split":"a\r\nSet-Cookie: stolen=1"},"body":""}""")]
    [InlineData("""{"statusCode":200,"headers":{"Bad Name":"x"},"body":""}""")]
    [InlineData("""{"statusCode":200,"multiValueHeaders":{"X-Split":["ok","a\nb"]},"body":""}""")]
    public async Task SplitTheResponse_WithControlCharactersInHeaders_IsAMalformedProxyResponse(string payload)
    {
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };

        Assert.False(await ProxyEvent.TryWriteResponseAsync(context, Encoding.UTF8.GetBytes(payload)));
        Assert.False(context.Response.Headers.ContainsKey("Set-Cookie"));
    }

    /// <summary>Lambda's synchronous limit: "Request must be smaller than 6291456 bytes for the InvokeFunction operation".</summary>
    [Fact]
    public async Task OversizeEvent_7MB_ThroughTheInvokeApi_Is413RequestTooLarge_AndTheFunctionNeverRuns()
    {
        var echo = new LambdaFunctionDefinition("BigFunction", "secure-lambda-Big", "arn:aws:lambda:us-east-1:123456789012:function:secure-lambda-Big", TimeSpan.FromSeconds(60));
        await using var host = await LocalLambdaHost.StartAsync([echo]);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("BigFunction"), _ => "{}");
        using var http = host.SignedClient();

        using var response = await http.PostAsync(new Uri("/2015-03-31/functions/BigFunction/invocations", UriKind.Relative),
            new StringContent($"\"{new string('x', 7 * 1024 * 1024)}\""), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("RequestTooLargeException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal(0, runtime.Events);
    }

    [Fact]
    public async Task OversizeResponse_Over6MB_FailsTheInvocation_InsteadOfHangingItUntilTheTimeout()
    {
        var echo = new LambdaFunctionDefinition("BigFunction", "secure-lambda-Big", "arn:aws:lambda:us-east-1:123456789012:function:secure-lambda-Big", TimeSpan.FromSeconds(60));
        await using var host = await LocalLambdaHost.StartAsync([echo]);
        var huge = $"\"{new string('x', RuntimeApiEndpoints.MaxResponseBytes)}\"";
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("BigFunction"), _ => huge);
        using var http = host.SignedClient();

        using var response = await http.PostAsync(new Uri("/2015-03-31/functions/BigFunction/invocations", UriKind.Relative), new StringContent("{}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal("Function.ResponseSizeTooLarge", JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("errorType").GetString());
    }
}
