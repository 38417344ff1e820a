using Microsoft.AspNetCore.Http.Features;

namespace SecureLambda.LocalCloud.Hosting;

public static class RequestTargets
{
    /// <summary>
    /// The request target exactly as the client sent it, still percent-encoded (an ARN's ':' arrives as %3A): what a
    /// SigV4 signature covers. The decoded path and query when the server keeps no raw target.
    /// </summary>
    public static string Raw(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw.StartsWith('/')
            ? raw
            : $"{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";
    }
}
