using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SecureLambda.LocalCloud.Authorizers;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Authorizers;

/// <summary>The authorizer on real tokens from moto's Cognito, with the JWKS fetched from moto.</summary>
[Collection(CognitoPoolsTestGroup.Name)]
public sealed class CognitoTokenValidatorMotoTests : IDisposable
{
    private const string Unauthorized = """{"message":"Unauthorized"}""";
    private const string Expired = """{"message":"The incoming token has expired"}""";

    private readonly CognitoPoolsFixture _pools;

    private readonly CountingHandler _engine = new(new SocketsHttpHandler());
    private readonly FakeTimeProvider _time = new();
    private readonly CognitoTokenValidator _validator;

    public CognitoTokenValidatorMotoTests(CognitoPoolsFixture pools)
    {
        _pools = pools;
        _validator = CreateValidator();
    }

    private PoolUser Pool1 => _pools.Pool1;

    private PoolUser Pool2 => _pools.Pool2;

    private CognitoTokenValidator Validator => _validator;

    public void Dispose() => _engine.Dispose();

    [Fact]
    public async Task Allows_RealIdTokenOfTheAuthorizersPool_WithClaimsAsApiGatewayRendersThem()
    {
        var result = await AuthorizeAsync(Pool1.IdToken, Lambda1());

        Assert.True(result.IsAuthorized, result.Reason);
        Assert.Equal(AuthorizerFailure.None, result.Failure);
        Assert.Equal(Pool1.Email, result.Claims["email"]);
        Assert.Equal("id", result.Claims["token_use"]);
        Assert.Equal(Pool1.ClientId, result.Claims["aud"]);
        Assert.Equal($"https://cognito-idp.us-east-1.amazonaws.com/{Pool1.PoolId}", result.Claims["iss"]);
        Assert.Equal(TokenFactory.Payload(Pool1.IdToken)["cognito:username"]!.GetValue<string>(), result.Claims["cognito:username"]);

        var payload = TokenFactory.Payload(Pool1.IdToken);
        Assert.Matches(new Regex(@"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$"), result.Claims["exp"]);
        var exp = DateTime.ParseExact(result.Claims["exp"], "ddd MMM dd HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        Assert.Equal(payload["exp"]!.GetValue<long>(), new DateTimeOffset(exp, TimeSpan.Zero).ToUnixTimeSeconds());
        Assert.Equal(payload["auth_time"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture), result.Claims["auth_time"]);
    }

    [Fact]
    public async Task Returns401_WhenTokenComesFromOtherPool()
    {
        // moto signs both pools with one key, so only the iss check can tell them apart.
        Assert.Equal(TokenFactory.Header(Pool1.IdToken)["kid"]!.GetValue<string>(), TokenFactory.Header(Pool2.IdToken)["kid"]!.GetValue<string>());

        await AssertUnauthorizedAsync(Pool2.IdToken, Lambda1());
        Assert.True((await AuthorizeAsync(Pool2.IdToken, Lambda2())).IsAuthorized);
    }

    [Fact]
    public async Task Returns401_WhenAccessTokenIsSentInsteadOfIdToken() =>
        await AssertUnauthorizedAsync(Pool1.AccessToken, Lambda1());

    [Fact]
    public async Task Returns401_WhenAudIsNotAnAppClientOfTheAuthorizersPools() =>
        await AssertUnauthorizedAsync(Pool1.IdToken, Lambda1() with { AppClientIds = new HashSet<string> { "someotherclient0000000000" } });

    [Fact]
    public async Task Returns401_WhenAlgIsNone()
    {
        var forged = TokenFactory.Unsigned("dummy", TokenFactory.Payload(Pool1.IdToken));
        await AssertUnauthorizedAsync(forged, Lambda1());
    }

    [Theory]
    [InlineData("der")]
    [InlineData("pem")]
    public async Task Returns401_WhenTokenIsHs256SignedWithThePoolsPublicKey(string encoding)
    {
        var kid = TokenFactory.Header(Pool1.IdToken)["kid"]!.GetValue<string>();
        var jwk = await CreateProvider().FindSigningKeyAsync(Pool1.PoolId, kid, TestContext.Current.CancellationToken);
        Assert.NotNull(jwk);
        using var rsa = RSA.Create(new RSAParameters
        {
            Modulus = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(jwk.N),
            Exponent = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(jwk.E),
        });
        var secret = encoding == "der"
            ? rsa.ExportSubjectPublicKeyInfo()
            : System.Text.Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem());

        var forged = TokenFactory.SignHs256(secret, kid, TokenFactory.Payload(Pool1.IdToken));

        await AssertUnauthorizedAsync(forged, Lambda1());
    }

    [Fact]
    public async Task Returns401_WhenSignatureIsTampered() =>
        await AssertUnauthorizedAsync(TokenFactory.WithTamperedSignature(Pool1.IdToken), Lambda1());

    [Fact]
    public async Task Returns401_WhenPayloadIsTampered()
    {
        var payload = TokenFactory.Payload(Pool1.IdToken);
        payload["email"] = "admin@example.com";

        await AssertUnauthorizedAsync(TokenFactory.WithPayload(Pool1.IdToken, payload), Lambda1());
    }

    [Fact]
    public async Task Returns401Unauthorized_NotExpired_WhenAForgedTokenIsAlsoExpired()
    {
        var payload = TokenFactory.Payload(Pool1.IdToken);
        payload["exp"] = payload["iat"]!.GetValue<long>() - 3600;

        await AssertUnauthorizedAsync(TokenFactory.WithPayload(Pool1.IdToken, payload), Lambda1());
    }

    [Fact]
    public async Task Returns401AndRefreshesJwksOnce_WhenKidIsUnknown()
    {
        var settings = Lambda1();
        Assert.True((await AuthorizeAsync(Pool1.IdToken, settings)).IsAuthorized);
        Assert.Equal(1, _engine.Count);

        using var attacker = RSA.Create(2048);
        var forged = TokenFactory.Sign(attacker, "attacker-kid", TokenFactory.Payload(Pool1.IdToken));
        await AssertUnauthorizedAsync(forged, settings);
        Assert.Equal(2, _engine.Count);

        // A flood of made-up kids within the refresh interval costs the engine nothing more.
        for (var i = 0; i < 5; i++)
        {
            await AssertUnauthorizedAsync(TokenFactory.Sign(attacker, $"attacker-kid-{i}", TokenFactory.Payload(Pool1.IdToken)), settings);
        }

        Assert.Equal(2, _engine.Count);

        _time.Advance(EngineJwksProvider.MinimumRefreshInterval);
        await AssertUnauthorizedAsync(forged, settings);
        Assert.Equal(3, _engine.Count);
    }

    [Fact]
    public async Task Returns401TheIncomingTokenHasExpired_WhenRealTokenExpiredMoreThanFiveMinutesAgo()
    {
        var exp = DateTimeOffset.FromUnixTimeSeconds(TokenFactory.Payload(Pool1.IdToken)["exp"]!.GetValue<long>());
        _time.SetUtcNow(exp + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        var result = await Validator.AuthorizeAsync(Pool1.IdToken, Lambda1(), TestContext.Current.CancellationToken);

        Assert.False(result.IsAuthorized);
        Assert.Equal(AuthorizerFailure.ExpiredToken, result.Failure);
        Assert.Equal((401, Expired), RefusedTokenResponses.Of(result.Failure));
        Assert.Empty(result.Claims);
    }

    [Fact]
    public async Task Allows_RealTokenThatExpiredWithinTheFiveMinuteSkew()
    {
        var exp = DateTimeOffset.FromUnixTimeSeconds(TokenFactory.Payload(Pool1.IdToken)["exp"]!.GetValue<long>());
        _time.SetUtcNow(exp + TimeSpan.FromMinutes(4));

        var result = await Validator.AuthorizeAsync(Pool1.IdToken, Lambda1(), TestContext.Current.CancellationToken);

        Assert.True(result.IsAuthorized, result.Reason);
    }

    [Fact]
    public async Task Allows_RealIdTokenWithBearerPrefix()
    {
        var result = await AuthorizeAsync("Bearer " + Pool1.IdToken, Lambda1());

        Assert.True(result.IsAuthorized, result.Reason);
        Assert.Equal(Pool1.Email, result.Claims["email"]);
    }

    [Fact]
    public async Task Returns401_WhenBearerPrefixCarriesAForgery() =>
        await AssertUnauthorizedAsync("Bearer " + TokenFactory.WithTamperedSignature(Pool1.IdToken), Lambda1());

    [Fact]
    public async Task Allows_WhenAudMatchesIdentityValidationExpression()
    {
        var result = await AuthorizeAsync(Pool1.IdToken, Lambda1() with { IdentityValidationExpression = Regex.Escape(Pool1.ClientId) });

        Assert.True(result.IsAuthorized, result.Reason);
    }

    [Fact]
    public async Task Allows_WhenIdentityValidationExpressionIsAPatternTheAudMatches() =>
        Assert.True((await AuthorizeAsync(Pool1.IdToken, Lambda1() with { IdentityValidationExpression = "[a-z0-9]+" })).IsAuthorized);

    [Fact]
    public async Task Returns401_WhenAudDoesNotMatchIdentityValidationExpression() =>
        await AssertUnauthorizedAsync(Pool1.IdToken, Lambda1() with { IdentityValidationExpression = "^nomatch$" });

    [Fact]
    public async Task Returns401_WhenIdentityValidationExpressionMatchesOnlyPartOfTheAud() =>
        await AssertUnauthorizedAsync(Pool1.IdToken, Lambda1() with { IdentityValidationExpression = Regex.Escape(Pool1.ClientId[..5]) });

    [Fact]
    public async Task IdentityValidationExpression_IsMatchedAgainstTheAud_NotTheWholeToken()
    {
        // A TOKEN authorizer's expression sees the raw header value; a COGNITO_USER_POOLS one sees only aud.
        var wholeTokenPattern = Regex.Escape(Pool1.IdToken);

        await AssertUnauthorizedAsync(Pool1.IdToken, Lambda1() with { IdentityValidationExpression = wholeTokenPattern });
    }

    private CognitoAuthorizerSettings Lambda1() =>
        new($"Lambda1Authorizer-{Guid.NewGuid():N}", MotoServer.Region, [Pool1.PoolId], new HashSet<string> { Pool1.ClientId }, null);

    private CognitoAuthorizerSettings Lambda2() =>
        new($"Lambda2Authorizer-{Guid.NewGuid():N}", MotoServer.Region, [Pool2.PoolId], new HashSet<string> { Pool2.ClientId }, null);

    private EngineJwksProvider CreateProvider() =>
        new(new HttpClient(_engine, disposeHandler: false), _pools.Server.Endpoint, _time, NullLogger<EngineJwksProvider>.Instance);

    private CognitoTokenValidator CreateValidator()
    {
        // The clock starts one minute after the user signed in.
        var iat = TokenFactory.Payload(Pool1.IdToken)["iat"]!.GetValue<long>();
        _time.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(iat) + TimeSpan.FromMinutes(1));
        return new CognitoTokenValidator(CreateProvider(), _time, NullLogger<CognitoTokenValidator>.Instance);
    }

    private Task<AuthorizerResult> AuthorizeAsync(string header, CognitoAuthorizerSettings settings) =>
        Validator.AuthorizeAsync(header, settings, TestContext.Current.CancellationToken);

    private async Task AssertUnauthorizedAsync(string header, CognitoAuthorizerSettings settings)
    {
        var result = await AuthorizeAsync(header, settings);

        Assert.False(result.IsAuthorized);
        Assert.Equal(AuthorizerFailure.InvalidToken, result.Failure);
        Assert.Equal((401, Unauthorized), RefusedTokenResponses.Of(result.Failure));
        Assert.Empty(result.Claims);
    }
}
