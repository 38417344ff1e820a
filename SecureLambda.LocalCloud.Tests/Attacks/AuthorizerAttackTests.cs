using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using SecureLambda.LocalCloud.Authorizers;
using SecureLambda.LocalCloud.Tests.Authorizers;

namespace SecureLambda.LocalCloud.Tests.Attacks;

/// <summary>
/// Tokens made to crash the Cognito authorizer, and JWKS made to rotate, vanish or fail. API Gateway answers every token
/// it cannot accept with 401 (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html,
/// UNAUTHORIZED); only an authorizer that cannot run at all is AUTHORIZER_CONFIGURATION_ERROR.
/// </summary>
public sealed class AuthorizerAttackTests : IDisposable
{
    private const string PoolId = "us-east-1_AttackPool";
    private const string ClientId = "attackclient1234567890abc";
    private static readonly Uri Engine = new("http://engine.invalid/");

    private readonly RSA _key1 = RSA.Create(2048);
    private readonly RSA _key2 = RSA.Create(2048);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly JwksEngine _engine = new();

    public void Dispose()
    {
        _key1.Dispose();
        _key2.Dispose();
        _engine.Dispose();
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\t")]
    [InlineData("")]
    public async Task CrashAuthorizer_WithABlankKidAndThePoolsIssuer_Is401(string kid)
    {
        _engine.Keys = [TokenFactory.PublicJwk(_key1, "k1")];
        var token = TokenFactory.Sign(_key1, kid, Payload());

        var result = await Validator().AuthorizeAsync(token, Settings(), TestContext.Current.CancellationToken);

        Assert.Equal(AuthorizerFailure.InvalidToken, result.Failure);
    }

    [Fact]
    public async Task RotatedKey_IsFetchedOnItsFirstToken_AndWorks()
    {
        _engine.Keys = [TokenFactory.PublicJwk(_key1, "k1")];
        var validator = Validator();
        Assert.True((await AuthorizeAsync(validator, TokenFactory.Sign(_key1, "k1", Payload()))).IsAuthorized);

        _engine.Keys = [TokenFactory.PublicJwk(_key1, "k1"), TokenFactory.PublicJwk(_key2, "k2")];
        var rotated = await AuthorizeAsync(validator, TokenFactory.Sign(_key2, "k2", Payload()));

        Assert.True(rotated.IsAuthorized, rotated.Reason);
        Assert.Equal(2, _engine.Requests);
    }

    [Fact]
    public async Task RemovedKey_StopsWorking_OnceTheCachedKeysExpire()
    {
        _engine.Keys = [TokenFactory.PublicJwk(_key1, "k1")];
        var validator = Validator();
        var token = TokenFactory.Sign(_key1, "k1", Payload());
        Assert.True((await AuthorizeAsync(validator, token)).IsAuthorized);

        _engine.Keys = [TokenFactory.PublicJwk(_key2, "k2")];
        _time.Advance(EngineJwksProvider.CacheLifetime);
        var afterRemoval = await AuthorizeAsync(validator, TokenFactory.Sign(_key1, "k1", Payload()));

        Assert.Equal(AuthorizerFailure.InvalidToken, afterRemoval.Failure);
    }

    [Fact]
    public async Task FloodUnknownKids_ReachesTheEngineAtMostOncePerRefreshInterval()
    {
        _engine.Keys = [TokenFactory.PublicJwk(_key1, "k1")];
        var validator = Validator();

        for (var i = 0; i < 50; i++)
        {
            var result = await AuthorizeAsync(validator, TokenFactory.Sign(_key1, $"made-up-{i}", Payload()));
            Assert.Equal(AuthorizerFailure.InvalidToken, result.Failure);
        }

        Assert.Equal(2, _engine.Requests);
        _time.Advance(EngineJwksProvider.MinimumRefreshInterval);
        await AuthorizeAsync(validator, TokenFactory.Sign(_key1, "made-up-again", Payload()));
        Assert.Equal(3, _engine.Requests);
    }

    public static TheoryData<string> EngineFailures() => new("refused", "timeout", "circuit", "garbage", "http500");

    [Theory]
    [MemberData(nameof(EngineFailures))]
    public async Task UnreachableKeys_AreAnAuthorizerThatCannotRun_NotABadToken(string failure)
    {
        _engine.Failure = failure;

        var exception = await Assert.ThrowsAsync<JwksUnavailableException>(() =>
            AuthorizeAsync(Validator(), TokenFactory.Sign(_key1, "k1", Payload())));

        Assert.Equal(PoolId, exception.UserPoolId);
    }

    /// <summary>Any header at all: the authorizer answers, never throws, and never allows a token we did not sign.</summary>
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool AnyHeader_IsAnsweredAndNeverAllowed(string? header)
    {
        _engine.Keys = [TokenFactory.PublicJwk(_key1, "k1")];
        var result = Validator().AuthorizeAsync(header, Settings(), CancellationToken.None).GetAwaiter().GetResult();
        return !result.IsAuthorized;
    }

    /// <summary>
    /// Tokens signed with the pool's own key whose header and claims hold any JSON: the claim checks answer 401 (or allow
    /// a token that is right), and never throw.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property SignedTokenWithAnyClaims_IsAnswered() =>
        Prop.ForAll(Arb.From(TokenParts()), parts =>
        {
            _engine.Keys = [TokenFactory.PublicJwk(_key1, "k1")];
            var header = TokenFactory.Encode(parts.Header);
            var body = TokenFactory.Encode(parts.Payload);
            var signature = _key1.SignData(Encoding.ASCII.GetBytes($"{header}.{body}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var token = $"{header}.{body}.{Base64UrlEncoder.Encode(signature)}";
            var result = Validator().AuthorizeAsync(token, Settings(), CancellationToken.None).GetAwaiter().GetResult();
            return !result.IsAuthorized || (parts.Payload["aud"]?.ToJsonString() == $"\"{ClientId}\"" && parts.Payload["token_use"]?.ToJsonString() == "\"id\"");
        });

    private static Gen<(JsonObject Header, JsonObject Payload)> TokenParts()
    {
        var anyJson = Gen.OneOf(
            ArbMap.Default.GeneratorFor<string>().Select(s => (JsonNode?)JsonValue.Create(s)),
            ArbMap.Default.GeneratorFor<long>().Select(n => (JsonNode?)JsonValue.Create(n)),
            ArbMap.Default.GeneratorFor<double>().Where(double.IsFinite).Select(n => (JsonNode?)JsonValue.Create(n)),
            ArbMap.Default.GeneratorFor<bool>().Select(b => (JsonNode?)JsonValue.Create(b)),
            Gen.Constant((JsonNode?)null),
            ArbMap.Default.GeneratorFor<string[]>().Select(a => (JsonNode?)new JsonArray([.. a.Select(s => (JsonNode?)JsonValue.Create(s))])),
            Gen.Constant((JsonNode?)new JsonObject { ["nested"] = "x" }));
        JsonNode? Copy(JsonNode? node) => node?.DeepClone();
        Gen<JsonNode?> Either(params JsonNode?[] good) => Gen.OneOf(Gen.Elements(good).Select(Copy), anyJson.Select(Copy));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return from kid in Either("k1", " ", "")
               from alg in Either("RS256", "none", "HS256")
               from iss in Either($"https://cognito-idp.us-east-1.amazonaws.com/{PoolId}")
               from aud in Either(ClientId, new JsonArray(ClientId, "other"))
               from use in Either("id", "access")
               from exp in Either(now + 3600, now - 3600)
               from nbf in Either(now - 60, now + 3600)
               from drop in ArbMap.Default.GeneratorFor<byte>()
               select (Object(("kid", kid), ("alg", alg), ("typ", "JWT")),
                   Object(("iss", iss), ("aud", (drop & 1) == 0 ? aud : null), ("token_use", use), ("exp", exp), ((drop & 2) == 0 ? "nbf" : "iat", nbf), ("sub", "s")));
    }

    private static JsonObject Object(params (string Name, JsonNode? Value)[] properties)
    {
        var result = new JsonObject();
        foreach (var (name, value) in properties)
        {
            result[name] = value?.DeepClone();
        }

        return result;
    }

    private CognitoTokenValidator Validator() => new(
        new EngineJwksProvider(new HttpClient(_engine, disposeHandler: false), Engine, _time, NullLogger<EngineJwksProvider>.Instance),
        _time,
        NullLogger<CognitoTokenValidator>.Instance);

    private static Task<AuthorizerResult> AuthorizeAsync(CognitoTokenValidator validator, string token) =>
        validator.AuthorizeAsync(token, Settings(), TestContext.Current.CancellationToken);

    private static CognitoAuthorizerSettings Settings() =>
        new("AttackAuthorizer", "us-east-1", [PoolId], new HashSet<string> { ClientId }, null);

    private JsonObject Payload() => new()
    {
        ["sub"] = "e9df23eb-ed2f-463c-9441-b2c8e5979ad2",
        ["aud"] = ClientId,
        ["token_use"] = "id",
        ["iss"] = $"https://cognito-idp.us-east-1.amazonaws.com/{PoolId}",
        ["exp"] = _time.GetUtcNow().ToUnixTimeSeconds() + 3600,
        ["iat"] = _time.GetUtcNow().ToUnixTimeSeconds(),
    };

    /// <summary>The engine's JWKS endpoint: serves <see cref="Keys"/>, or fails the way <see cref="Failure"/> says.</summary>
    private sealed class JwksEngine : HttpMessageHandler
    {
        private int _requests;

        public IReadOnlyList<JsonWebKey> Keys { get; set; } = [];

        public string? Failure { get; set; }

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return Failure switch
            {
                "refused" => throw new HttpRequestException("Connection refused"),
                "timeout" => throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout"),
                "circuit" => throw new InvalidOperationException("The circuit is now open and is not allowing calls."),
                "garbage" => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>not a JWKS</html>") }),
                "http500" => Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError)),
                _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent(new JsonObject
                    {
                        ["keys"] = new JsonArray([.. Keys.Select(k => (JsonNode)new JsonObject { ["kty"] = k.Kty, ["kid"] = k.Kid, ["alg"] = k.Alg, ["use"] = k.Use, ["n"] = k.N, ["e"] = k.E })]),
                    }.ToJsonString()),
                }),
            };
        }
    }
}
