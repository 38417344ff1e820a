using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecureLambda.LocalCloud.ApiGateway.Throttling;

/// <summary>
/// The throttling part of one entry of a stage's <c>MethodSettings</c>. <paramref name="ResourcePath"/> is decoded
/// (<c>/lambda1</c>, not <c>/~1lambda1</c>) or <see cref="AnyResource"/>; <paramref name="HttpMethod"/> is upper case or
/// <see cref="AnyMethod"/>. A null limit is not set by this entry; a negative one means "no limit" (API Gateway reports
/// unset throttling as -1).
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-apigateway-stage-methodsetting.html
/// </summary>
public sealed record MethodThrottleSetting(string ResourcePath, string HttpMethod, double? RateLimit, int? BurstLimit)
{
    public const string AnyResource = "/*";

    public const string AnyMethod = "*";

    /// <summary>Reads one <c>MethodSetting</c> object; scalars may arrive as strings (CloudFormation coerces them).</summary>
    public static MethodThrottleSetting FromTemplate(string logicalId, JsonObject setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var path = GetString(setting, "ResourcePath")
            ?? throw StageThrottle.Unsupported(logicalId, "A MethodSetting needs ResourcePath (\"/*\" for every resource).");
        var method = GetString(setting, "HttpMethod")
            ?? throw StageThrottle.Unsupported(logicalId, $"The MethodSetting for {path} needs HttpMethod (\"*\" for every method).");
        var context = $"MethodSetting {path} {method}";

        double? rate = GetString(setting, "ThrottlingRateLimit") is { } rateText
            ? double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && double.IsFinite(r)
                ? r
                : throw StageThrottle.Unsupported(logicalId, $"{context}: ThrottlingRateLimit must be a number, got '{rateText}'.")
            : null;
        int? burst = GetString(setting, "ThrottlingBurstLimit") is { } burstText
            ? int.TryParse(burstText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var b)
                ? b
                : throw StageThrottle.Unsupported(logicalId, $"{context}: ThrottlingBurstLimit must be an integer, got '{burstText}'.")
            : null;

        return new MethodThrottleSetting(DecodeResourcePath(logicalId, path), method.Trim().ToUpperInvariant(), rate, burst);
    }

    /// <summary>
    /// Decodes a MethodSetting resource path: "Forward slashes (/) are encoded as ~1 ... the path value
    /// /resource/subresource must be encoded as /~1resource~1subresource. To specify the root path, use only a slash
    /// (/)", and <c>/*</c> is every resource. <c>~0</c> is <c>~</c>, as in JSON Pointer (RFC 6901), decoded after <c>~1</c>.
    /// https://docs.aws.amazon.com/apigateway/latest/api/API_MethodSetting.html
    /// </summary>
    public static string DecodeResourcePath(string logicalId, string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        var path = encoded.Trim();
        if (path is AnyResource or "/")
        {
            return path;
        }

        if (!path.StartsWith('/'))
        {
            throw StageThrottle.Unsupported(logicalId, 
                $"MethodSetting ResourcePath '{encoded}' must start with '/', e.g. /~1lambda1 for the resource /lambda1.");
        }

        var decoded = path[1..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

        // Lenient about an unescaped path ("/lambda1"): it names the same resource.
        return decoded.StartsWith('/') ? decoded : "/" + decoded;
    }

    private static string? GetString(JsonObject obj, string name) =>
        obj[name] is JsonValue value
            ? value.GetValueKind() switch
            {
                JsonValueKind.String => value.GetValue<string>().Trim(),
                JsonValueKind.Number => value.ToJsonString(),
                _ => null,
            }
            : null;
}
