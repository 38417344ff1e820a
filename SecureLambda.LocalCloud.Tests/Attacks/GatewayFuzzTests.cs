using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using SecureLambda.LocalCloud.Authorizers;
using SecureLambda.LocalCloud.Tests.ApiGateway;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Attacks;

/// <summary>
/// Random headers, tokens, paths and bodies against the gateway on a real port: whatever arrives, the answer is AWS's
/// 4xx (or the function's 200), never a 5xx of LocalCloud's own making.
/// </summary>
public sealed class GatewayFuzzTests(LocalCloudApp app) : IClassFixture<LocalCloudApp>
{
    private static readonly Gen<string> TokenChars = Gen.Elements("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".ToCharArray())
        .ArrayOf().Where(chars => chars.Length is > 0 and < 40).Select(chars => new string(chars));

    private static readonly Gen<string> VisibleText = Gen.Choose(0x20, 0x7E).Select(c => (char)c)
        .ArrayOf().Where(chars => chars.Length < 300).Select(chars => new string(chars).Trim());

    private static readonly Gen<string> JwtLike = Gen.Elements(
            "eyJhbGciOiJSUzI1NiIsImtpZCI6IiAifQ", "eyJhbGciOiJub25lIn0", "eyJraWQiOiJ4In0", "e30", "eyJhbGciOiJSUzI1NiJ9")
        .SelectMany(header => VisibleText.Select(rest => $"{header}.{Convert.ToBase64String(Encoding.UTF8.GetBytes(rest)).TrimEnd('=')}.{rest.Length}"));

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property AnyRequest_IsNever5xx() =>
        Prop.ForAll(Arb.From(Requests()), request =>
        {
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path)
            {
                Content = new StringContent(request.Body, Encoding.UTF8, "application/json"),
            };
            foreach (var (name, value) in request.Headers)
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }

            message.Headers.TryAddWithoutValidation("Authorization", request.Authorization);
            using var response = app.Http.SendAsync(message).GetAwaiter().GetResult();
            return ((int)response.StatusCode < 500).Label($"{(int)response.StatusCode} for {request}");
        });

    private static Gen<FuzzRequest> Requests() =>
        from method in Gen.Elements("POST", "GET", "PUT", "OPTIONS", "DELETE", "PATCH")
        from path in Gen.OneOf(Gen.Elements("/development/lambda1", "/development/lambda2", "/development/", "/development/lambda1/x"),
            TokenChars.Select(segment => $"/development/{segment}"))
        from authorization in Gen.OneOf(VisibleText, JwtLike, JwtLike.Select(t => "Bearer " + t), Gen.Constant(string.Empty))
        from headers in Gen.Zip(TokenChars, VisibleText).ArrayOf().Where(h => h.Length < 8)
        from body in Gen.OneOf(VisibleText, Gen.Elements("{\"name\":\"Ada\"}", "{\"name\":", "[]", "null", "{\"name\":1}"))
        select new FuzzRequest(method, path, authorization, headers, body);

    public sealed record FuzzRequest(string Method, string Path, string Authorization, (string Name, string Value)[] Headers, string Body)
    {
        public override string ToString() =>
            $"{Method} {Path} Authorization='{Authorization}' {string.Join(' ', Headers.Select(h => $"{h.Name}='{h.Value}'"))} body='{Body}'";
    }
}

/// <summary>An authorizer whose pool's keys cannot be read: API Gateway's AUTHORIZER_CONFIGURATION_ERROR, nothing invoked.</summary>
public sealed class UnreachableJwksGatewayTests
{
    [Fact]
    public async Task CrashAuthorizer_ByCuttingOffItsKeys_GetsAuthorizerConfigurationError_AndTheFunctionNeverRuns()
    {
        await using var moto = await MotoServer.StartAsync(TestContext.Current.CancellationToken);
        await using var server = await LocalCloudServer.StartAsync<Program>(moto, configureServices: services =>
            Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<IJwksProvider, UnreachableJwks>(services));
        var token = await server.SignInAsync(LocalCloudServer.User1, "UserPool1ClientId");

        using var response = await server.PostAsync("/development/lambda1", token);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("AuthorizerConfigurationException", response.Headers.GetValues("x-amzn-ErrorType").Single());
    }

    private sealed class UnreachableJwks : IJwksProvider
    {
        public Task<Microsoft.IdentityModel.Tokens.JsonWebKey?> FindSigningKeyAsync(string userPoolId, string keyId, CancellationToken cancellationToken) =>
            throw new TaskCanceledException("The operation was canceled: the resilience handler's attempt timeout.");
    }
}
