using System.Net;
using Microsoft.AspNetCore.Http.Features;

namespace SecureLambda.LocalCloud.Waf;

public static class WafRequests
{
    /// <summary>
    /// What API Gateway hands WAF: the headers, the method, the URI path and query string as the client sent them
    /// (WAF sees them before any decoding), and the body.
    /// </summary>
    public static WafRequest FromHttp(HttpContext context, IPAddress sourceIp, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw[0] == '/'
            ? raw
            : context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent();
        var query = target.IndexOf('?', StringComparison.Ordinal);
        return query < 0
            ? new WafRequest(sourceIp, headers, context.Request.Method, target, "", body)
            : new WafRequest(sourceIp, headers, context.Request.Method, target[..query], target[(query + 1)..], body);
    }
}
