using SecureLambda.CloudFormation.Properties;

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
    public static MethodThrottleSetting FromTemplate(ResourceProperties setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var path = setting.OptionalString("ResourcePath")?.Trim()
            ?? throw setting.Unsupported("ResourcePath", "is required: a MethodSetting needs ResourcePath (\"/*\" for every resource).");
        var method = setting.OptionalString("HttpMethod")?.Trim()
            ?? throw setting.Unsupported("HttpMethod", $"is required: the MethodSetting for {path} needs HttpMethod (\"*\" for every method).");
        return new MethodThrottleSetting(
            DecodeResourcePath(path) ?? throw setting.Unsupported("ResourcePath",
                $"'{path}' must start with '/', e.g. /~1lambda1 for the resource /lambda1."),
            method.ToUpperInvariant(),
            setting.OptionalDouble("ThrottlingRateLimit"),
            setting.OptionalInt("ThrottlingBurstLimit"));
    }

    /// <summary>
    /// Decodes a MethodSetting resource path: "Forward slashes (/) are encoded as ~1 ... the path value
    /// /resource/subresource must be encoded as /~1resource~1subresource. To specify the root path, use only a slash
    /// (/)", and <c>/*</c> is every resource. <c>~0</c> is <c>~</c>, as in JSON Pointer (RFC 6901), decoded after <c>~1</c>.
    /// https://docs.aws.amazon.com/apigateway/latest/api/API_MethodSetting.html. Null when the path does not start with '/'.
    /// </summary>
    public static string? DecodeResourcePath(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        var path = encoded.Trim();
        if (path is AnyResource or "/")
        {
            return path;
        }

        if (!path.StartsWith('/'))
        {
            return null;
        }

        var decoded = path[1..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

        // Lenient about an unescaped path ("/lambda1"): it names the same resource.
        return decoded.StartsWith('/') ? decoded : "/" + decoded;
    }
}
