using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SecureLambda.Aws.Signing;

/// <summary>A request as a server received it, for <see cref="SigV4Verifier"/>.</summary>
/// <param name="PathAndQuery">The request target exactly as sent (still percent-encoded), with its query.</param>
/// <param name="Headers">Every value of a header (empty when absent), by case-insensitive name.</param>
public sealed record SigV4Request(string Method, string PathAndQuery, Func<string, IReadOnlyList<string>> Headers, ReadOnlyMemory<byte> Body);

/// <summary>Why a signature was refused, in the terms AWS answers with.</summary>
public enum SigV4Outcome
{
    Valid,

    /// <summary>No <c>Authorization</c> header at all: AWS's <c>MissingAuthenticationTokenException</c>.</summary>
    MissingAuthentication,

    /// <summary>An <c>Authorization</c> header without the parts SigV4 needs: <c>IncompleteSignatureException</c>.</summary>
    IncompleteSignature,

    /// <summary>An access key id the account does not have: <c>UnrecognizedClientException</c>.</summary>
    UnknownAccessKey,

    /// <summary>A signature that does not match, a stale date or a wrong scope: <c>InvalidSignatureException</c>.</summary>
    InvalidSignature,
}

/// <summary>The outcome, AWS's message for it, and the access key that signed a valid request.</summary>
public sealed record SigV4Verification(SigV4Outcome Outcome, string Message, string? AccessKeyId = null)
{
    public bool IsValid => Outcome == SigV4Outcome.Valid;
}

/// <summary>
/// Checks a SigV4 <c>Authorization</c> header as an AWS service does: the same canonical request the signer builds
/// (<see cref="SigV4Signer"/>, equal to botocore's), the credential scope's service and region, and a date within five
/// minutes of the server's clock ("a request must reach AWS within five minutes of the time stamp in the request",
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html).
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
/// </summary>
public static class SigV4Verifier
{
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private const string SignatureMismatch =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    /// <param name="secretFor">The secret access key of an access key id, or null when the account has no such key.</param>
    public static SigV4Verification Verify(
        SigV4Request request,
        Func<string, string?> secretFor,
        string service,
        string region,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(secretFor);
        var authorizations = request.Headers("Authorization");
        if (authorizations.Count == 0)
        {
            return new(SigV4Outcome.MissingAuthentication, "Missing Authentication Token");
        }

        string? missing = null;
        if (authorizations.Count > 1 || !TryParse(authorizations[0], out var credential, out var signedHeaders, out var signature, out missing))
        {
            return new(SigV4Outcome.IncompleteSignature, $"Authorization header requires '{missing ?? "Credential"}' parameter.");
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[0].Length == 0 || scope[4] != "aws4_request")
        {
            return new(SigV4Outcome.IncompleteSignature, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term.");
        }

        var (accessKeyId, date, scopeRegion, scopeService) = (scope[0], scope[1], scope[2], scope[3]);
        var timestamp = Single(request, "X-Amz-Date");
        if (timestamp is null
            || !DateTimeOffset.TryParseExact(timestamp, SigV4Signer.TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return new(SigV4Outcome.IncompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }

        var headerNames = signedHeaders.Split(';');
        if (!headerNames.Contains("host", StringComparer.Ordinal) || headerNames.Any(name => name.Length == 0 || name.Any(char.IsAsciiLetterUpper)))
        {
            return new(SigV4Outcome.InvalidSignature, SignatureMismatch);
        }

        if (secretFor(accessKeyId) is not { } secret)
        {
            return new(SigV4Outcome.UnknownAccessKey, "The security token included in the request is invalid.");
        }

        if (date != timestamp[..8])
        {
            return new(SigV4Outcome.InvalidSignature, $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{date}' != '{timestamp[..8]}', from '{timestamp}'.");
        }

        if (scopeService != service)
        {
            return new(SigV4Outcome.InvalidSignature, $"Credential should be scoped to correct service: '{service}'.");
        }

        if (scopeRegion != region)
        {
            return new(SigV4Outcome.InvalidSignature, $"Credential should be scoped to a valid region, not '{scopeRegion}'.");
        }

        if (signedAt < now - MaxClockSkew)
        {
            return new(SigV4Outcome.InvalidSignature, $"Signature expired: {timestamp} is now earlier than {Format(now - MaxClockSkew)} ({Format(now)} - 5 min.)");
        }

        if (signedAt > now + MaxClockSkew)
        {
            return new(SigV4Outcome.InvalidSignature, $"Signature not yet current: {timestamp} is still later than {Format(now + MaxClockSkew)} ({Format(now)} + 5 min.)");
        }

        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(request.Body.Span));
        if (Single(request, "X-Amz-Content-Sha256") is { } declaredHash && declaredHash != bodyHash && declaredHash != "UNSIGNED-PAYLOAD")
        {
            return new(SigV4Outcome.InvalidSignature, "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        var headers = headerNames.Select(name => new KeyValuePair<string, string>(
            name, string.Join(',', request.Headers(name).Select(SigV4Signer.TrimAll))));
        var queryStart = request.PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart < 0 ? request.PathAndQuery : request.PathAndQuery[..queryStart];
        var query = new Uri("http://signed.invalid/" + (queryStart < 0 ? string.Empty : request.PathAndQuery[queryStart..]));
        var canonicalRequest = SigV4Signer.CanonicalRequest(
            request.Method, SigV4Signer.NormalizeAndEncodePath(rawPath), SigV4Signer.CanonicalQuery(query), headers, signedHeaders,
            Single(request, "X-Amz-Content-Sha256") ?? bodyHash);
        var stringToSign = SigV4Signer.StringToSign(timestamp, string.Join('/', scope[1..]), canonicalRequest);
        var expected = SigV4Signer.Signature(secret, date, scopeRegion, scopeService, stringToSign);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? new(SigV4Outcome.Valid, "OK", accessKeyId)
            : new(SigV4Outcome.InvalidSignature, SignatureMismatch);
    }

    /// <summary><c>AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…</c>; <paramref name="missing"/> names the first part absent.</summary>
    private static bool TryParse(string authorization, out string credential, out string signedHeaders, out string signature, out string? missing)
    {
        credential = signedHeaders = signature = string.Empty;
        missing = null;
        var value = authorization.Trim();
        if (!value.StartsWith(SigV4Signer.Algorithm + " ", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in value[(SigV4Signer.Algorithm.Length + 1)..].Split(','))
        {
            var separator = part.IndexOf('=', StringComparison.Ordinal);
            if (separator > 0)
            {
                parts.TryAdd(part[..separator].Trim(), part[(separator + 1)..].Trim());
            }
        }

        foreach (var name in (string[])["Credential", "SignedHeaders", "Signature"])
        {
            if (!parts.TryGetValue(name, out var found) || found.Length == 0)
            {
                missing = name;
                return false;
            }
        }

        (credential, signedHeaders, signature) = (parts["Credential"], parts["SignedHeaders"], parts["Signature"]);
        return true;
    }

    private static string? Single(SigV4Request request, string name) =>
        request.Headers(name) is [var value] ? value : null;

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(SigV4Signer.TimestampFormat, CultureInfo.InvariantCulture);
}
