using System.Globalization;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SecureLambda.LocalCloud.Authorizers;

/// <summary>
/// Renders a verified token's claims the way API Gateway puts them into <c>requestContext.authorizer.claims</c> for a
/// <c>COGNITO_USER_POOLS</c> authorizer: every value a string.
/// </summary>
/// <remarks>
/// What API Gateway does, as observed in real events (design/samples/apigateway-rest-proxy-event.json; a real event at
/// https://repost.aws/questions/QUFJRBaEJRSmmqarNrvCWoQA):
/// <list type="bullet">
/// <item><c>exp</c> and <c>iat</c> become Java's <c>Date.toString()</c> in UTC, e.g. <c>Wed Nov 25 09:00:00 UTC 2026</c>;
/// we treat <c>nbf</c>, the other JWT NumericDate claim, the same way.</item>
/// <item>Other numbers keep their JSON text (<c>auth_time</c> → <c>"1795593600"</c>); booleans become <c>"true"</c>/<c>"false"</c>.</item>
/// <item>Arrays such as <c>cognito:groups</c> become their elements joined with commas (<c>["a","b"]</c> → <c>"a,b"</c>,
/// one group → <c>"a"</c>; reported at https://openillumi.com/en/en-api-gateway-cognito-jwt-claim-conversion-zero-trust and
/// in the re:Post event above).</item>
/// </list>
/// Not observed, so chosen here: a JSON object claim keeps its JSON text, and a null claim is left out.
/// </remarks>
internal static class ApiGatewayClaims
{
    private static readonly HashSet<string> DateClaims = new(StringComparer.Ordinal)
    {
        JwtRegisteredClaimNames.Exp, JwtRegisteredClaimNames.Iat, JwtRegisteredClaimNames.Nbf,
    };

    public static IReadOnlyDictionary<string, string> From(JsonWebToken token)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        var claims = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in payload.RootElement.EnumerateObject())
        {
            if (Render(property.Name, property.Value) is { } value)
            {
                claims[property.Name] = value;
            }
        }

        return claims;
    }

    /// <summary>Java's <c>Date.toString()</c> pattern, <c>EEE MMM dd HH:mm:ss zzz yyyy</c>, in UTC.</summary>
    public static string JavaDateString(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("ddd MMM dd HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture);

    private static string? Render(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number when DateClaims.Contains(name) && value.TryGetInt64(out var seconds) &&
            seconds is > -62_135_596_800 and < 253_402_300_799 => JavaDateString(DateTimeOffset.FromUnixTimeSeconds(seconds)),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array => string.Join(',', value.EnumerateArray().Select(element => Render(string.Empty, element) ?? "null")),
        JsonValueKind.Null => null,
        _ => value.GetRawText(),
    };
}
