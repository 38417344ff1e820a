using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SecureLambda.LocalCloud.Diagnostics;

namespace SecureLambda.LocalCloud.Authorizers;

/// <summary>
/// A <c>COGNITO_USER_POOLS</c> authorizer: verifies a Cognito ID token the way AWS documents it
/// (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html)
/// and answers with the claims API Gateway hands to the integration.
/// </summary>
/// <remarks>
/// Order matters: the signature is checked before the clock, so that only a genuine token can earn the
/// "The incoming token has expired" answer; a forged expired token is just Unauthorized.
/// </remarks>
public sealed partial class CognitoTokenValidator(IJwksProvider jwks, TimeProvider time, ILogger<CognitoTokenValidator> logger)
{
    /// <summary>The most clock skew tolerated on <c>exp</c> and <c>nbf</c>.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public const string ActivityNamePrefix = "Authorizer ";
    public const string NameAttribute = "securelambda.authorizer.name";
    public const string ResultAttribute = "securelambda.authorizer.result";
    public const string ReasonAttribute = "securelambda.authorizer.reason";
    public const string DecisionsCounterName = "securelambda.authorizer.decisions";

    private const string Rs256 = SecurityAlgorithms.RsaSha256;

    // RFC 6750 §2.1 bearer credentials; the scheme name is case-insensitive (RFC 9110 §11.1).
    private const string BearerScheme = "Bearer ";

    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    private static readonly Counter<long> Decisions = LocalCloudTelemetry.Meter.CreateCounter<long>(
        DecisionsCounterName, unit: "{decision}", description: "Cognito authorizer decisions, by authorizer and result.");

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<AuthorizerResult> AuthorizeAsync(string? headerValue, CognitoAuthorizerSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);

        using var activity = LocalCloudTelemetry.Source.StartActivity(ActivityNamePrefix + settings.AuthorizerName, ActivityKind.Internal);
        activity?.SetTag(NameAttribute, settings.AuthorizerName);

        AuthorizerResult result;
        try
        {
            result = await DecideAsync(headerValue, settings, cancellationToken);
        }
        catch (JwksUnavailableException exception)
        {
            activity?.AddException(exception);
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }

        var outcome = result.Failure switch
        {
            AuthorizerFailure.None => "allow",
            AuthorizerFailure.MissingToken => "missing",
            AuthorizerFailure.ExpiredToken => "expired",
            _ => "invalid",
        };
        activity?.SetTag(ResultAttribute, outcome);
        if (result.Reason is not null)
        {
            activity?.SetTag(ReasonAttribute, result.Reason);
        }

        Decisions.Add(1, new KeyValuePair<string, object?>(NameAttribute, settings.AuthorizerName), new KeyValuePair<string, object?>(ResultAttribute, outcome));
        if (result.IsAuthorized)
        {
            LogAllowed(logger, settings.AuthorizerName);
        }
        else
        {
            LogDenied(logger, settings.AuthorizerName, outcome, result.Reason);
        }

        return result;
    }

    /// <summary>
    /// Whatever a token can make the parsers throw is the token's fault: 401, never a 500. Only a failure to read the
    /// pool's keys (<see cref="JwksUnavailableException"/>) and the caller's own cancellation leave here as exceptions.
    /// </summary>
    private async Task<AuthorizerResult> DecideAsync(string? headerValue, CognitoAuthorizerSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            return await DecideCoreAsync(headerValue, settings, cancellationToken);
        }
        catch (Exception exception) when (IsMalformedInput(exception))
        {
            return Invalid($"malformed token ({exception.GetType().Name})");
        }
    }

    private static bool IsMalformedInput(Exception exception) => exception
        is ArgumentException or FormatException or System.Text.Json.JsonException or InvalidOperationException
        or OverflowException or InvalidCastException or SecurityTokenException or RegexMatchTimeoutException;

    private async Task<AuthorizerResult> DecideCoreAsync(string? headerValue, CognitoAuthorizerSettings settings, CancellationToken cancellationToken)
    {
        // API Gateway answers 401 Unauthorized without a token in the identity source
        // (https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html, identitySource).
        if (string.IsNullOrWhiteSpace(headerValue))
        {
            return AuthorizerResult.Deny(AuthorizerFailure.MissingToken, $"no token in the {settings.IdentitySourceHeader} header");
        }

        var encoded = headerValue.Trim();

        // Cognito tells apps to send its tokens "as bearer tokens to an Authorization header"
        // (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-accessing-resources-api-gateway-and-lambda.html),
        // while API Gateway's own page only says to include the token in the header
        // (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-invoke-api-integrated-with-cognito-user-pool.html).
        // Neither page says what the authorizer does with the scheme. Tests against real API Gateway show it accepts
        // "Bearer <id token>" as well as the bare token (e.g. https://github.com/awslabs/nx-plugin-for-aws/pull/828,
        // https://github.com/amazon-archives/amazon-cognito-identity-js/issues/165), so one "Bearer " prefix is stripped.
        if (encoded.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase))
        {
            encoded = encoded[BearerScheme.Length..].Trim();
        }

        JsonWebToken token;
        try
        {
            token = new JsonWebToken(encoded);
        }
        catch (ArgumentException)
        {
            // SecurityTokenMalformedException derives from ArgumentException.
            return Invalid("not a JWT");
        }

        if (token.IsEncrypted)
        {
            return Invalid("an encrypted token, not a signed ID token");
        }

        // RS256 only: this refuses "none", HS256 (including HMAC keyed with the RSA public key, the key-confusion forgery)
        // and everything else before any key is looked at.
        if (!string.Equals(token.Alg, Rs256, StringComparison.Ordinal))
        {
            return Invalid($"alg '{Printable(token.Alg)}' is not RS256");
        }

        if (string.IsNullOrWhiteSpace(token.Kid))
        {
            return Invalid("no kid in the token header");
        }

        // The issuer picks which pool's keys may have signed the token. moto signs every pool with the same key, so this
        // exact match is what keeps a pool-2 token out of a pool-1 route.
        var issuer = TryGetString(token, JwtRegisteredClaimNames.Iss);
        var poolId = settings.UserPoolIds.FirstOrDefault(id => string.Equals(settings.IssuerFor(id), issuer, StringComparison.Ordinal));
        if (poolId is null)
        {
            return Invalid($"iss '{Printable(issuer)}' is not a pool of this authorizer");
        }

        JsonWebKey? key;
        try
        {
            key = await jwks.FindSigningKeyAsync(poolId, token.Kid, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && exception is not JwksUnavailableException)
        {
            // Timeouts and an open circuit from the resilience handler arrive as exceptions of their own (some of them
            // OperationCanceledException): all mean the same, the keys are out of reach.
            throw new JwksUnavailableException(poolId, exception);
        }
        if (key is null)
        {
            return Invalid($"kid '{Printable(token.Kid)}' is not in the JWKS of {poolId}");
        }

        if (!string.Equals(key.Kty, JsonWebAlgorithmsKeyTypes.RSA, StringComparison.Ordinal) ||
            (!string.IsNullOrEmpty(key.Alg) && !string.Equals(key.Alg, Rs256, StringComparison.Ordinal)))
        {
            return Invalid($"key '{Printable(key.Kid)}' of {poolId} is not an RS256 key");
        }

        var signature = await _handler.ValidateTokenAsync(token, SignatureOnly(key));
        if (!signature.IsValid)
        {
            return Invalid("signature does not verify with the pool's key");
        }

        // From here on the claims are the issuer's own.
        if (!string.Equals(TryGetString(token, "token_use"), "id", StringComparison.Ordinal))
        {
            return Invalid($"token_use is '{Printable(TryGetString(token, "token_use"))}', not 'id'");
        }

        var audiences = token.Audiences.ToArray();
        if (audiences.Length != 1 || !settings.AppClientIds.Contains(audiences[0]))
        {
            return Invalid("aud is not an app client of this authorizer's pools");
        }

        // For COGNITO_USER_POOLS authorizers, "API Gateway will match the aud field of the incoming token from the client
        // against the specified regular expression" and answers 401 Unauthorized when it does not match
        // (https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html, identityValidationExpression).
        // The whole aud must match, as Java's String.matches does; a partial match does not count.
        if (settings.IdentityValidationExpression is { Length: > 0 } expression &&
            !Regex.IsMatch(audiences[0], $@"\A(?:{expression})\z", RegexOptions.CultureInvariant, RegexTimeout))
        {
            return Invalid("aud does not match the authorizer's IdentityValidationExpression");
        }

        var now = time.GetUtcNow();
        if (token.TryGetClaim(JwtRegisteredClaimNames.Nbf, out _))
        {
            if (!TryGetEpoch(token, JwtRegisteredClaimNames.Nbf, out var notBefore))
            {
                return Invalid("nbf is not a number");
            }

            if (now + ClockSkew < notBefore)
            {
                return Invalid("not valid yet: nbf is more than 5 minutes ahead");
            }
        }

        if (!TryGetEpoch(token, JwtRegisteredClaimNames.Exp, out var expires))
        {
            return Invalid("no numeric exp");
        }

        if (now - ClockSkew > expires)
        {
            return AuthorizerResult.Deny(AuthorizerFailure.ExpiredToken, "expired more than 5 minutes ago");
        }

        return AuthorizerResult.Allow(ApiGatewayClaims.From(token));
    }

    private static AuthorizerResult Invalid(string reason) => AuthorizerResult.Deny(AuthorizerFailure.InvalidToken, reason);

    private static TokenValidationParameters SignatureOnly(JsonWebKey key) => new()
    {
        IssuerSigningKey = key,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        RequireSignedTokens = true,
        TryAllIssuerSigningKeys = false,
        // Issuer, audience, token_use and lifetime are checked above and below with the gateway's own rules and clock.
        ValidateIssuer = false,
        ValidateAudience = false,
        ValidateLifetime = false,
        RequireExpirationTime = false,
        ValidateIssuerSigningKey = false,
    };

    private static string? TryGetString(JsonWebToken token, string claim) =>
        token.TryGetPayloadValue<string>(claim, out var value) ? value : null;

    /// <summary>A NumericDate claim (RFC 7519 §2): seconds since the epoch, possibly fractional.</summary>
    private static bool TryGetEpoch(JsonWebToken token, string claim, out DateTimeOffset value)
    {
        if (token.TryGetPayloadValue<long>(claim, out var seconds) &&
            seconds is > -62_135_596_800 and < 253_402_300_799)
        {
            value = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        if (token.TryGetPayloadValue<double>(claim, out var fractional) && double.IsFinite(fractional) &&
            fractional is > -62_135_596_800 and < 253_402_300_799)
        {
            value = DateTimeOffset.FromUnixTimeMilliseconds((long)(fractional * 1000));
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>A header value from the token, cut short and stripped of control characters, for a span or a log field.</summary>
    private static string Printable(string? value) =>
        value is null ? "(none)" : new string(value.Take(64).Where(c => !char.IsControl(c)).ToArray());

    [LoggerMessage(Level = LogLevel.Debug, Message = "Authorizer {AuthorizerName} allowed the request")]
    private static partial void LogAllowed(ILogger logger, string authorizerName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Authorizer {AuthorizerName} refused the request ({Result}): {Reason}")]
    private static partial void LogDenied(ILogger logger, string authorizerName, string result, string? reason);
}
