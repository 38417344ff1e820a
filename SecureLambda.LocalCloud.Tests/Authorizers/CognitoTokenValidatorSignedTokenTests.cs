using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SecureLambda.LocalCloud.Authorizers;
using SecureLambda.LocalCloud.Diagnostics;

namespace SecureLambda.LocalCloud.Tests.Authorizers;

/// <summary>The authorizer on tokens we sign ourselves with a key served by a fake JWKS provider.</summary>
public sealed class CognitoTokenValidatorSignedTokenTests : IDisposable
{
    private const string PoolId = "us-east-1_TestPool1";
    private const string ClientId = "testclient1234567890abcdef";
    private const string Kid = "test-key-1";
    private const string Unauthorized = """{"message":"Unauthorized"}""";

    // 2026-11-25 08:00:00 UTC, the sample event's sign-in time.
    private static readonly DateTimeOffset SignIn = DateTimeOffset.FromUnixTimeSeconds(1_795_593_600);

    private readonly RSA _key = RSA.Create(2048);
    private readonly FakeTimeProvider _time = new(SignIn + TimeSpan.FromMinutes(10));
    private readonly CognitoTokenValidator _validator;

    public CognitoTokenValidatorSignedTokenTests() =>
        _validator = new CognitoTokenValidator(new StaticJwksProvider(PoolId, TokenFactory.PublicJwk(_key, Kid)), _time, NullLogger<CognitoTokenValidator>.Instance);

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Allows_WithClaimsRenderedExactlyAsInTheApiGatewaySampleEvent()
    {
        var payload = Payload();
        payload["cognito:groups"] = new JsonArray("admin", "users");
        payload["email_verified"] = true;

        var result = await AuthorizeAsync(Sign(payload));

        Assert.True(result.IsAuthorized, result.Reason);
        Assert.Equal("Wed Nov 25 09:00:00 UTC 2026", result.Claims["exp"]);
        Assert.Equal("Wed Nov 25 08:00:00 UTC 2026", result.Claims["iat"]);
        Assert.Equal("1795593600", result.Claims["auth_time"]);
        Assert.Equal("id", result.Claims["token_use"]);
        Assert.Equal(ClientId, result.Claims["aud"]);
        Assert.Equal("user1@example.com", result.Claims["email"]);
        Assert.Equal("e9df23eb-ed2f-463c-9441-b2c8e5979ad2", result.Claims["cognito:username"]);
        Assert.Equal("admin,users", result.Claims["cognito:groups"]);
        Assert.Equal("true", result.Claims["email_verified"]);
    }

    [Fact]
    public async Task RendersASingleGroupAsItsName()
    {
        var payload = Payload();
        payload["cognito:groups"] = new JsonArray("team_manager");

        Assert.Equal("team_manager", (await AuthorizeAsync(Sign(payload))).Claims["cognito:groups"]);
    }

    [Fact]
    public async Task Returns401_WhenNbfIsMoreThanFiveMinutesAhead()
    {
        var payload = Payload();
        payload["nbf"] = TokenFactory.Epoch(_time.GetUtcNow() + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        await AssertUnauthorizedAsync(Sign(payload));
    }

    [Fact]
    public async Task Allows_WhenNbfIsAheadWithinTheFiveMinuteSkew()
    {
        var payload = Payload();
        payload["nbf"] = TokenFactory.Epoch(_time.GetUtcNow() + TimeSpan.FromMinutes(4));

        Assert.True((await AuthorizeAsync(Sign(payload))).IsAuthorized);
    }

    [Fact]
    public async Task Returns401TheIncomingTokenHasExpired_WhenSignedTokenExpiredBeyondTheSkew()
    {
        _time.SetUtcNow(SignIn + TimeSpan.FromHours(1) + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        var result = await AuthorizeAsync(Sign(Payload()));

        Assert.Equal(AuthorizerFailure.ExpiredToken, result.Failure);
        Assert.Equal((401, """{"message":"The incoming token has expired"}"""), RefusedTokenResponses.Of(result.Failure));
    }

    [Theory]
    [InlineData("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool")]
    [InlineData("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1/")]
    [InlineData("http://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1")]
    [InlineData("https://cognito-idp.eu-west-1.amazonaws.com/us-east-1_TestPool1")]
    [InlineData("https://COGNITO-IDP.us-east-1.amazonaws.com/us-east-1_TestPool1")]
    [InlineData("")]
    public async Task Returns401_WhenIssIsNotExactlyThePoolsIssuer(string issuer)
    {
        var payload = Payload();
        payload["iss"] = issuer;

        await AssertUnauthorizedAsync(Sign(payload));
    }

    [Fact]
    public async Task Returns401_WhenIssIsMissing()
    {
        var payload = Payload();
        payload.Remove("iss");

        await AssertUnauthorizedAsync(Sign(payload));
    }

    [Fact]
    public async Task Returns401_WhenAudIsAnotherClient()
    {
        var payload = Payload();
        payload["aud"] = "anotherclient0000000000000";

        await AssertUnauthorizedAsync(Sign(payload));
    }

    [Fact]
    public async Task Returns401_WhenExpIsMissing()
    {
        var payload = Payload();
        payload.Remove("exp");

        await AssertUnauthorizedAsync(Sign(payload));
    }

    [Fact]
    public async Task Returns401_WhenKeyIsNotInTheJwks()
    {
        using var other = RSA.Create(2048);

        await AssertUnauthorizedAsync(TokenFactory.Sign(other, "some-other-kid", Payload()));
    }

    [Fact]
    public async Task Returns401_WhenTokenIsSignedWithAnotherKeyUnderTheKnownKid()
    {
        using var other = RSA.Create(2048);

        await AssertUnauthorizedAsync(TokenFactory.Sign(other, Kid, Payload()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Returns401Unauthorized_WhenHeaderIsMissingOrEmpty(string? header)
    {
        var result = await _validator.AuthorizeAsync(header, Settings(), TestContext.Current.CancellationToken);

        Assert.False(result.IsAuthorized);
        Assert.Equal(AuthorizerFailure.MissingToken, result.Failure);
        Assert.Equal((401, Unauthorized), RefusedTokenResponses.Of(result.Failure));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJ0b2tlbl91c2UiOiJpZCJ9")]
    public async Task Returns401Unauthorized_WhenHeaderIsNotAToken(string header) => await AssertUnauthorizedAsync(header);

    [Fact]
    public async Task Allows_WhenBearerSchemeIsLowerCase() =>
        Assert.True((await AuthorizeAsync("bearer " + Sign(Payload()))).IsAuthorized);

    [Fact]
    public async Task Returns401_WhenBearerPrefixIsRepeated() =>
        await AssertUnauthorizedAsync("Bearer Bearer " + Sign(Payload()));

    [Fact]
    public async Task RecordsSpanAndCounter_ForEachDecision()
    {
        var settings = Settings();
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LocalCloudTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.DisplayName == "Authorizer " + settings.AuthorizerName)
                {
                    lock (spans)
                    {
                        spans.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var decisions = new MetricCollector<long>(LocalCloudTelemetry.Meter, CognitoTokenValidator.DecisionsCounterName);

        await AuthorizeAsync(Sign(Payload()), settings);
        await _validator.AuthorizeAsync(null, settings, TestContext.Current.CancellationToken);
        await AuthorizeAsync(TokenFactory.WithTamperedSignature(Sign(Payload())), settings);
        _time.SetUtcNow(SignIn + TimeSpan.FromHours(2));
        await AuthorizeAsync(Sign(Payload()), settings);

        Assert.Collection(
            spans,
            span => AssertSpan(span, "allow", expectReason: false),
            span => AssertSpan(span, "missing", expectReason: true),
            span => AssertSpan(span, "invalid", expectReason: true),
            span => AssertSpan(span, "expired", expectReason: true));

        var mine = decisions.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags[CognitoTokenValidator.NameAttribute], settings.AuthorizerName))
            .Select(m => ((string)m.Tags[CognitoTokenValidator.ResultAttribute]!, m.Value))
            .ToArray();
        Assert.Equal([("allow", 1L), ("missing", 1L), ("invalid", 1L), ("expired", 1L)], mine);

        void AssertSpan(Activity span, string result, bool expectReason)
        {
            Assert.Equal(ActivityKind.Internal, span.Kind);
            Assert.Equal(settings.AuthorizerName, span.GetTagItem(CognitoTokenValidator.NameAttribute));
            Assert.Equal(result, span.GetTagItem(CognitoTokenValidator.ResultAttribute));
            var reason = span.GetTagItem(CognitoTokenValidator.ReasonAttribute) as string;
            Assert.Equal(expectReason, !string.IsNullOrEmpty(reason));
        }
    }

    [Fact]
    public async Task NeverPutsTheTokenIntoTheReason()
    {
        var token = TokenFactory.WithTamperedSignature(Sign(Payload()));

        var result = await AuthorizeAsync(token);

        Assert.NotNull(result.Reason);
        Assert.DoesNotContain(token.Split('.')[2], result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[1], result.Reason, StringComparison.Ordinal);
    }

    private static CognitoAuthorizerSettings Settings() =>
        new($"TestAuthorizer-{Guid.NewGuid():N}", "us-east-1", [PoolId], new HashSet<string> { ClientId }, null);

    private static JsonObject Payload() => new()
    {
        ["sub"] = "e9df23eb-ed2f-463c-9441-b2c8e5979ad2",
        ["aud"] = ClientId,
        ["email"] = "user1@example.com",
        ["token_use"] = "id",
        ["auth_time"] = 1_795_593_600,
        ["iss"] = $"https://cognito-idp.us-east-1.amazonaws.com/{PoolId}",
        ["cognito:username"] = "e9df23eb-ed2f-463c-9441-b2c8e5979ad2",
        ["exp"] = 1_795_597_200,
        ["iat"] = 1_795_593_600,
    };

    private string Sign(JsonObject payload) => TokenFactory.Sign(_key, Kid, payload);

    private Task<AuthorizerResult> AuthorizeAsync(string header, CognitoAuthorizerSettings? settings = null) =>
        _validator.AuthorizeAsync(header, settings ?? Settings(), TestContext.Current.CancellationToken);

    private async Task AssertUnauthorizedAsync(string header)
    {
        var result = await AuthorizeAsync(header);

        Assert.False(result.IsAuthorized);
        Assert.Equal(AuthorizerFailure.InvalidToken, result.Failure);
        Assert.Equal((401, Unauthorized), RefusedTokenResponses.Of(result.Failure));
    }
}
