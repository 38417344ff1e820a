using System.Collections.Specialized;
using System.Text;
using System.Web;

namespace SecureLambda.LocalCloud.AwsEndpoint;

/// <summary>
/// Names the service, operation and protocol of a request to the AWS endpoint, as AWS's endpoints do: by the SigV4
/// credential scope's service (<c>Credential=AKID/20261202/us-east-1/sns/aws4_request</c>, in the <c>Authorization</c>
/// header or a presigned URL's <c>X-Amz-Credential</c>), else by the <c>X-Amz-Target</c> prefix of the JSON protocols
/// (Cognito's sign-in calls are unsigned), else by the path. Pure, so it is tested without a host.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
/// </summary>
public static class AwsRequestClassifier
{
    /// <summary>The JSON protocols' <c>X-Amz-Target</c> prefixes, from each service model's <c>targetPrefix</c>, by signing name.</summary>
    private static readonly Dictionary<string, string> TargetPrefixes = new(StringComparer.Ordinal)
    {
        ["secretsmanager"] = AwsServiceCall.SecretsManager,
        ["AWSCognitoIdentityProviderService"] = AwsServiceCall.CognitoIdentityProvider,
        ["AmazonSQS"] = AwsServiceCall.Sqs,
        ["DynamoDB_20120810"] = "dynamodb",
        ["Logs_20140328"] = "logs",
        ["TrentService"] = "kms",
        ["AmazonSSM"] = "ssm",
        ["AWSEvents"] = "events",
    };

    /// <summary>Services whose REST APIs answer in XML; every other REST API answers in JSON.</summary>
    private static readonly HashSet<string> RestXmlServices = new(StringComparer.Ordinal) { "s3", "cloudfront", "route53" };

    /// <summary>The service, protocol and (for the JSON protocols and a query string's <c>Action</c>) operation.</summary>
    /// <param name="header">Every value of a request header, by name; empty when absent.</param>
    /// <param name="query">A query string parameter, or null.</param>
    public static AwsServiceCall Classify(string method, string path, Func<string, IReadOnlyList<string>> header, Func<string, string?> query)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(query);
        var target = header("X-Amz-Target") is [var single] ? single : null;
        var (prefix, targetOperation) = SplitTarget(target);
        var service = ScopeService(CredentialOf(header, query))
            ?? (prefix is not null && TargetPrefixes.TryGetValue(prefix, out var byTarget) ? byTarget : null)
            ?? ServiceByPath(method, path)
            ?? AwsServiceCall.Unknown;
        if (targetOperation is not null)
        {
            return new(service, targetOperation, AwsProtocol.Json);
        }

        if (IsForm(header("Content-Type")) || query("Action") is not null)
        {
            return new(service, query("Action"), AwsProtocol.Query);
        }

        return new(service, null, RestXmlServices.Contains(service) ? AwsProtocol.RestXml : AwsProtocol.RestJson);
    }

    /// <summary>The Query protocol's operation from a form body's <c>Action</c>, when the query string named none.</summary>
    public static AwsServiceCall WithFormOperation(AwsServiceCall call, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call is { Protocol: AwsProtocol.Query, Operation: null } && FormValue(body, "Action") is { Length: > 0 } action
            ? call with { Operation = action }
            : call;
    }

    /// <summary>One field of an <c>application/x-www-form-urlencoded</c> body, decoded; null when absent.</summary>
    public static string? FormValue(ReadOnlySpan<byte> body, string name) => Form(body)[name];

    /// <summary>An <c>application/x-www-form-urlencoded</c> body's fields, decoded.</summary>
    public static NameValueCollection Form(ReadOnlySpan<byte> body) => HttpUtility.ParseQueryString(Encoding.UTF8.GetString(body));

    public static bool IsForm(IReadOnlyList<string> contentType) =>
        contentType is [var value] && value.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    /// <summary>The credential scope's service: the fourth of <c>AKID/date/region/service/aws4_request</c>.</summary>
    private static string? ScopeService(string? credential) =>
        credential?.Split('/') is { Length: 5 } scope && scope[3].Length > 0 ? scope[3] : null;

    /// <summary>
    /// The SigV4 credential a request is signed with (<c>AKID/date/region/service/aws4_request</c>): from the one
    /// <c>Authorization</c> header's <c>Credential=</c>, or a presigned URL's <c>X-Amz-Credential</c>; null for an unsigned
    /// request, empty for one whose signature names none (or that has two <c>Authorization</c> headers).
    /// </summary>
    public static string? CredentialOf(Func<string, IReadOnlyList<string>> header, Func<string, string?> query)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(query);
        const string Marker = "Credential=";
        switch (header("Authorization"))
        {
            case []:
                return query("X-Amz-Credential");
            case [var authorization] when authorization.IndexOf(Marker, StringComparison.Ordinal) is >= 0 and var at:
                var start = at + Marker.Length;
                var end = authorization.IndexOf(',', start);
                return (end < 0 ? authorization[start..] : authorization[start..end]).Trim();
            default:
                return string.Empty;
        }
    }

    private static (string? Prefix, string? Operation) SplitTarget(string? target)
    {
        var dot = target?.LastIndexOf('.') ?? -1;
        return dot > 0 && dot < target!.Length - 1 ? (target[..dot], target[(dot + 1)..]) : (null, null);
    }

    /// <summary>
    /// The unsigned paths: Lambda's REST API (<c>/2015-03-31/functions/…</c>) and a user pool's JWKS and OpenID
    /// configuration (<c>/{poolId}/.well-known/jwks.json</c>), which Cognito serves to anyone.
    /// </summary>
    private static string? ServiceByPath(string method, string path) =>
        path.StartsWith("/2015-03-31/functions", StringComparison.Ordinal) ? AwsServiceCall.Lambda
        : HttpMethods.IsGet(method) && path.Contains("/.well-known/", StringComparison.Ordinal) ? AwsServiceCall.CognitoIdentityProvider
        : null;
}
