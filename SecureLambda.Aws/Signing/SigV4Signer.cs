using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SecureLambda.Aws.Core;

namespace SecureLambda.Aws.Signing;

/// <summary>
/// AWS Signature Version 4 over an <see cref="HttpRequestMessage"/>, written here rather than taken from AWSSDK.Core so the
/// clients stay trim- and AOT-clean (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
/// It signs the headers botocore signs: all that are on the request except the hop-by-hop and proxy-rewritten ones.
/// </summary>
public static class SigV4Signer
{
    internal const string Algorithm = "AWS4-HMAC-SHA256";
    internal const string TimestampFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>
    /// botocore's <c>SIGNED_HEADERS_BLACKLIST</c>: headers that proxies and the transport add, drop or rewrite.
    /// <c>authorization</c> is the signature itself; <c>content-length</c> is set by the transport after signing in
    /// botocore, so botocore never signs it, and we do not either, whether or not .NET has computed it yet.
    /// </summary>
    private static readonly HashSet<string> UnsignedHeaders = new(StringComparer.Ordinal)
    {
        "authorization", "connection", "content-length", "expect", "keep-alive", "proxy-authenticate",
        "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    };

    /// <summary>
    /// Sets <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> (with a session token) and <c>Authorization</c> on
    /// <paramref name="request"/>, whose body must be exactly <paramref name="body"/>.
    /// </summary>
    public static void Sign(
        HttpRequestMessage request,
        ReadOnlySpan<byte> body,
        AwsCredentials credentials,
        string region,
        string signingName,
        DateTimeOffset now) =>
        SignWithDetails(request, body, credentials, region, signingName, now);

    internal static SigV4Signature SignWithDetails(
        HttpRequestMessage request,
        ReadOnlySpan<byte> body,
        AwsCredentials credentials,
        string region,
        string signingName,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no RequestUri.", nameof(request));
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException("The request's RequestUri must be absolute to be signed.", nameof(request));
        }

        var timestamp = now.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);
        var date = timestamp[..8];

        request.Headers.Remove("Authorization");
        request.Headers.Remove("X-Amz-Date");
        request.Headers.Remove("X-Amz-Security-Token");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", timestamp);
        if (credentials.SessionToken is { } token)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
        }

        var headers = HeadersToSign(request, uri);
        var signedHeaders = string.Join(';', headers.Keys);
        var canonicalRequest = CanonicalRequest(
            request.Method.Method, CanonicalPath(uri), CanonicalQuery(uri), headers, signedHeaders, Convert.ToHexStringLower(SHA256.HashData(body)));
        var scope = $"{date}/{region}/{signingName}/aws4_request";
        var stringToSign = StringToSign(timestamp, scope, canonicalRequest);
        var signature = Signature(credentials.SecretAccessKey, date, region, signingName, stringToSign);

        var authorization =
            $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return new SigV4Signature(canonicalRequest, stringToSign, authorization);
    }

    internal static string CanonicalRequest(
        string method, string canonicalPath, string canonicalQuery, IEnumerable<KeyValuePair<string, string>> headers, string signedHeaders, string payloadHash) =>
        string.Join(
            '\n',
            method.ToUpperInvariant(),
            canonicalPath,
            canonicalQuery,
            string.Concat(headers.Select(header => $"{header.Key}:{header.Value}\n")),
            signedHeaders,
            payloadHash);

    internal static string StringToSign(string timestamp, string scope, string canonicalRequest) =>
        string.Join('\n', Algorithm, timestamp, scope, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

    internal static string Signature(string secretAccessKey, string date, string region, string service, string stringToSign)
    {
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return Convert.ToHexStringLower(Hmac(key, stringToSign));
    }

    private static SortedDictionary<string, string> HeadersToSign(HttpRequestMessage request, Uri uri)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var all = request.Headers.NonValidated.AsEnumerable();
        if (request.Content is not null)
        {
            all = all.Concat(request.Content.Headers.NonValidated);
        }

        foreach (var (name, headerValues) in all)
        {
            var lowerName = name.ToLowerInvariant();
            if (UnsignedHeaders.Contains(lowerName))
            {
                continue;
            }

            if (!values.TryGetValue(lowerName, out var list))
            {
                values[lowerName] = list = [];
            }

            list.AddRange(headerValues.Select(TrimAll));
        }

        // HttpClient sends Host from the URI when the request does not set it; sign what it will send.
        if (!values.ContainsKey("host"))
        {
            values["host"] = [uri.IsDefaultPort ? uri.IdnHost.ToLowerInvariant() : $"{uri.IdnHost.ToLowerInvariant()}:{uri.Port}"];
        }

        return new SortedDictionary<string, string>(
            values.ToDictionary(pair => pair.Key, pair => string.Join(',', pair.Value)),
            StringComparer.Ordinal);
    }

    /// <summary>SigV4's <c>Trimall</c>: no leading or trailing space, and runs of whitespace as one space.</summary>
    internal static string TrimAll(string value) =>
        string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// The path as it is sent (<see cref="Uri.AbsolutePath"/> keeps its escapes, such as an ARN's <c>%3A</c>), with dot
    /// and empty segments removed, then encoded once more: twice in all, as botocore does for non-S3 services and as
    /// <see cref="SigV4Verifier"/> checks it.
    /// </summary>
    internal static string CanonicalPath(Uri uri) => NormalizeAndEncodePath(uri.AbsolutePath);

    /// <summary>
    /// The path with dot segments and empty segments removed, then encoded once. A server checking a signature passes
    /// the path as it arrived (already encoded once), so that it is encoded twice, as SigV4 requires for every service
    /// but S3 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
    /// </summary>
    internal static string NormalizeAndEncodePath(string path)
    {
        if (path.Length == 0)
        {
            return "/";
        }

        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(segment);
        }

        var normalized = (path[0] == '/' ? "/" : string.Empty)
            + string.Join('/', segments)
            + (path[^1] == '/' && segments.Count > 0 ? "/" : string.Empty);
        return AwsPercentEncoding.Encode(normalized, keepSlash: true);
    }

    /// <summary>Each name and value decoded and encoded again, then sorted by name and, for repeated names, by value.</summary>
    internal static string CanonicalQuery(Uri uri)
    {
        var query = uri.Query.TrimStart('?');
        if (query.Length == 0)
        {
            return string.Empty;
        }

        return string.Join(
            '&',
            query.Split('&')
                .Select(pair =>
                {
                    var separator = pair.IndexOf('=', StringComparison.Ordinal);
                    var name = separator < 0 ? pair : pair[..separator];
                    var value = separator < 0 ? string.Empty : pair[(separator + 1)..];
                    return (Name: AwsPercentEncoding.Encode(Uri.UnescapeDataString(name)),
                        Value: AwsPercentEncoding.Encode(Uri.UnescapeDataString(value)));
                })
                .OrderBy(pair => pair.Name, StringComparer.Ordinal)
                .ThenBy(pair => pair.Value, StringComparer.Ordinal)
                .Select(pair => $"{pair.Name}={pair.Value}"));
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}

/// <summary>The intermediate strings of one signature, kept so tests can compare each step with botocore's.</summary>
internal sealed record SigV4Signature(string CanonicalRequest, string StringToSign, string Authorization);
