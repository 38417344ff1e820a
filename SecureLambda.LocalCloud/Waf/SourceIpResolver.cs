using System.Net;

namespace SecureLambda.LocalCloud.Waf;

/// <summary>
/// Decides the client address the WAF and the proxy event's <c>requestContext.identity.sourceIp</c> see.
/// </summary>
/// <remarks>
/// In AWS the source IP is the address of the connection that reached API Gateway; X-Forwarded-For is only what a
/// client or proxy claims, and any client can write it. So it is used only when <c>trustForwardedFor</c> is set, for
/// a LocalCloud that runs behind a proxy the operator controls; then its first entry (the original client, by the
/// header's convention) is taken. A header that does not parse falls back to the connection address.
/// https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-forwarded-ip-address.html
/// </remarks>
public sealed class SourceIpResolver(bool trustForwardedFor)
{
    public const string ForwardedForHeader = "X-Forwarded-For";

    public bool TrustForwardedFor => trustForwardedFor;

    /// <summary>
    /// The client address from the connection's <paramref name="remoteAddress"/> and, when trusted, the
    /// X-Forwarded-For value. IPv4-mapped IPv6 addresses come back as IPv4. A missing remote address (an in-process
    /// test server has no socket) is taken as loopback.
    /// </summary>
    public IPAddress Resolve(IPAddress? remoteAddress, string? forwardedFor)
    {
        var connection = remoteAddress is null ? IPAddress.Loopback : IpAddresses.Normalize(remoteAddress);
        if (!trustForwardedFor || string.IsNullOrWhiteSpace(forwardedFor))
        {
            return connection;
        }

        var first = forwardedFor.Split(',')[0];
        return IpAddresses.TryParseClientAddress(first, out var client) ? client : connection;
    }

    /// <summary>As <see cref="Resolve(IPAddress?, string?)"/>, reading X-Forwarded-For (any case) from the headers.</summary>
    public IPAddress Resolve(IPAddress? remoteAddress, IReadOnlyDictionary<string, string> headers) =>
        Resolve(remoteAddress, WafHeaders.Find(headers, ForwardedForHeader));
}
