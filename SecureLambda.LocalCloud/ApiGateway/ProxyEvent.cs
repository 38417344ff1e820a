using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SecureLambda.Aws.Lambda.Events;
using SecureLambda.LocalCloud.ApiGateway.UsagePlans;
using SecureLambda.LocalCloud.DataPlane;

namespace SecureLambda.LocalCloud.ApiGateway;

/// <summary>What the gateway knows about a request when it hands it to the function.</summary>
public sealed record ProxyRequestContext(
    GatewayStage Stage,
    RouteMatch Route,
    string RequestId,
    string SourceIp,
    DateTimeOffset RequestTime,
    string AccountId,
    IReadOnlyDictionary<string, string>? Claims,
    string? TraceHeader,
    ApiKeyDefinition? ApiKey = null);

/// <summary>
/// The Lambda proxy integration: the REST API event (payload format 1.0) in, the proxy response out.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
/// </summary>
public static class ProxyEvent
{
    public static ApiGatewayProxyRequest Build(HttpRequest request, string body, ProxyRequestContext context)
    {
        var headers = new Dictionary<string, string?>(StringComparer.Ordinal);
        var multiValueHeaders = new Dictionary<string, List<string?>>(StringComparer.Ordinal);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.LastOrDefault();
            multiValueHeaders[name] = [.. values];
        }

        // API Gateway adds the client address and the trace header it forwards.
        var forwardedFor = request.Headers["X-Forwarded-For"].LastOrDefault() is { Length: > 0 } existing
            ? $"{existing}, {context.SourceIp}"
            : context.SourceIp;
        Set(headers, multiValueHeaders, "X-Forwarded-For", forwardedFor);
        Set(headers, multiValueHeaders, "X-Forwarded-Proto", request.Scheme);
        Set(headers, multiValueHeaders, "X-Forwarded-Port", (request.Host.Port ?? (request.IsHttps ? 443 : 80)).ToString(CultureInfo.InvariantCulture));
        if (context.TraceHeader is not null)
        {
            Set(headers, multiValueHeaders, "X-Amzn-Trace-Id", context.TraceHeader);
        }

        Dictionary<string, string?>? query = null;
        Dictionary<string, List<string?>>? multiQuery = null;
        if (request.Query.Count > 0)
        {
            query = new(StringComparer.Ordinal);
            multiQuery = new(StringComparer.Ordinal);
            foreach (var (name, values) in request.Query)
            {
                query[name] = values.LastOrDefault();
                multiQuery[name] = [.. values];
            }
        }

        var method = context.Route.Method;
        var stage = context.Stage;
        var path = request.Path.Value ?? "/";
        var pathInStage = "/" + string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1));
        var domain = request.Host.Value ?? "localhost";
        return new ApiGatewayProxyRequest
        {
            Resource = method.ResourcePath,
            Path = pathInStage,
            HttpMethod = request.Method,
            Headers = headers,
            MultiValueHeaders = multiValueHeaders,
            QueryStringParameters = query,
            MultiValueQueryStringParameters = multiQuery,
            PathParameters = context.Route.PathParameters.Count > 0 ? new(context.Route.PathParameters, StringComparer.Ordinal) : null,
            StageVariables = null,
            RequestContext = new ApiGatewayRequestContext
            {
                ResourceId = method.ResourceId,
                ResourcePath = method.ResourcePath,
                HttpMethod = request.Method,
                ExtendedRequestId = context.RequestId,
                RequestTime = context.RequestTime.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture),
                Path = path,
                AccountId = context.AccountId,
                Protocol = request.Protocol,
                Stage = stage.StageName,
                DomainPrefix = domain.Split('.', ':')[0],
                RequestTimeEpoch = context.RequestTime.ToUnixTimeMilliseconds(),
                RequestId = context.RequestId,
                Identity = new ApiGatewayRequestIdentity
                {
                    SourceIp = context.SourceIp,
                    UserAgent = request.Headers.UserAgent.LastOrDefault(),
                    ApiKey = context.ApiKey?.Value,
                    ApiKeyId = context.ApiKey?.Id,
                },
                Authorizer = context.Claims is null ? null : new ApiGatewayAuthorizerContext { Claims = context.Claims },
                DomainName = domain,
                ApiId = stage.ApiId,
            },
            Body = body.Length == 0 ? null : body,
            IsBase64Encoded = false,
        };
    }

    /// <summary>The event as the function receives it.</summary>
    public static byte[] Serialize(ApiGatewayProxyRequest proxyEvent) =>
        JsonSerializer.SerializeToUtf8Bytes(proxyEvent, ApiGatewayJsonContext.Default.ApiGatewayProxyRequest);

    /// <summary>
    /// Writes the function's proxy response; false when it is not one (API Gateway then answers 502 Internal server
    /// error: "Malformed Lambda proxy response").
    /// </summary>
    public static async Task<bool> TryWriteResponseAsync(HttpContext context, byte[] payload)
    {
        JsonObject response;
        try
        {
            response = JsonNode.Parse(payload) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            return false;
        }

        var statusCode = 200;
        if (response["statusCode"] is JsonValue status)
        {
            if (!(status.TryGetValue<int>(out statusCode) || (status.TryGetValue<string>(out var text) && int.TryParse(text, CultureInfo.InvariantCulture, out statusCode)))
                || statusCode is < 100 or > 599)
            {
                return false;
            }
        }

        var isBase64 = response["isBase64Encoded"] is JsonValue flag && flag.GetValueKind() == JsonValueKind.True;
        byte[] body;
        var bodyText = response["body"] is JsonValue bodyValue && bodyValue.GetValueKind() == JsonValueKind.String ? bodyValue.GetValue<string>() : "";
        try
        {
            body = isBase64 ? Convert.FromBase64String(bodyText) : Encoding.UTF8.GetBytes(bodyText);
        }
        catch (FormatException)
        {
            return false;
        }

        var headers = new List<(string Name, Microsoft.Extensions.Primitives.StringValues Values)>();
        foreach (var (name, value) in response["headers"] as JsonObject ?? [])
        {
            headers.Add((name, Scalar(value)));
        }

        foreach (var (name, values) in response["multiValueHeaders"] as JsonObject ?? [])
        {
            if (values is JsonArray array)
            {
                headers.Add((name, new Microsoft.Extensions.Primitives.StringValues([.. array.Select(Scalar)])));
            }
        }

        // A header no HTTP response can carry makes the whole proxy response malformed, as API Gateway judges it.
        if (headers.Any(header => !IsToken(header.Name) || header.Values.Any(value => value is not null && value.Any(c => char.IsControl(c) && c != '\t'))))
        {
            return false;
        }

        context.Response.StatusCode = statusCode;
        foreach (var (name, values) in headers)
        {
            context.Response.Headers[RemappedHeaders.Contains(name) ? RemappedPrefix + name : name] = values;
        }

        await context.Response.Body.WriteAsync(body, context.RequestAborted);
        return true;
    }

    /// <summary>
    /// Headers of an integration response that API Gateway keeps for itself and passes on as
    /// <c>X-Amzn-Remapped-{name}</c>, so a function can neither break the framing (<c>Content-Length</c>,
    /// <c>Transfer-Encoding</c>, <c>Connection</c>) nor impersonate the gateway (<c>x-amzn-RequestId</c>, <c>Server</c>)
    /// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html, REST APIs).
    /// </summary>
    private static readonly HashSet<string> RemappedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Connection", "Content-Length", "Date", "Keep-Alive", "Proxy-Authenticate", "Server", "TE",
        "Trailer", "Transfer-Encoding", "Upgrade", "Via", "WWW-Authenticate", "x-amzn-RequestId", "x-amzn-ErrorType",
    };

    private const string RemappedPrefix = "X-Amzn-Remapped-";

    /// <summary>An RFC 9110 token: what a header name may be.</summary>
    private static bool IsToken(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));

    private static string? Scalar(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : node?.ToJsonString();

    private static void Set(Dictionary<string, string?> headers, Dictionary<string, List<string?>> multiValueHeaders, string name, string value)
    {
        headers[name] = value;
        multiValueHeaders[name] = [value];
    }
}
