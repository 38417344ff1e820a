using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SecureLambda.LocalCloud.Waf;

/// <summary>Parsing and normalising client addresses and IP set CIDRs.</summary>
public static class IpAddresses
{
    /// <summary>
    /// An IPv4-mapped IPv6 address (<c>::ffff:192.0.2.1</c>, what Kestrel reports on a dual-stack socket) as the IPv4
    /// address it carries, so that it matches IPv4 CIDRs as the same client would in AWS; any other address unchanged.
    /// </summary>
    public static IPAddress Normalize(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>
    /// Parses one client address as it appears in a header such as X-Forwarded-For: a dotted-quad IPv4 address or an
    /// IPv6 address, optionally bracketed. Shorthand forms that <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>
    /// also accepts (<c>"1"</c>, <c>"1.2"</c>) and ports are rejected: they are not client addresses.
    /// </summary>
    public static bool TryParseClientAddress(string? text, out IPAddress address)
    {
        address = IPAddress.None;
        var candidate = text?.Trim();
        if (string.IsNullOrEmpty(candidate))
        {
            return false;
        }

        if (candidate.StartsWith('[') && candidate.EndsWith(']'))
        {
            candidate = candidate[1..^1];
        }

        if (!IPAddress.TryParse(candidate, out var parsed))
        {
            return false;
        }

        var isDottedQuad = candidate.Count(c => c == '.') == 3 && !candidate.Contains(':', StringComparison.Ordinal);
        if (parsed.AddressFamily == AddressFamily.InterNetwork && !isDottedQuad)
        {
            return false;
        }

        if (parsed.AddressFamily == AddressFamily.InterNetworkV6 && parsed.ScopeId != 0)
        {
            return false;
        }

        address = Normalize(parsed);
        return true;
    }

    /// <summary>
    /// Parses an IP set entry in CIDR notation. Host bits past the prefix are cleared (AWS stores the network), and a
    /// /0 prefix is refused because AWS WAF IP sets do not accept it; <paramref name="problem"/> says why an entry is refused.
    /// https://docs.aws.amazon.com/waf/latest/APIReference/API_IPSet.html
    /// </summary>
    internal static bool TryParseCidr(string cidr, IpAddressVersion version, out IPNetwork network, [NotNullWhen(false)] out string? problem)
    {
        network = default;
        var parts = cidr.Trim().Split('/');
        if (parts.Length != 2
            || !IPAddress.TryParse(parts[0], out var address)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            problem = $"'{cidr}' is not a CIDR (address/prefix).";
            return false;
        }

        var family = version == IpAddressVersion.IPv4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        var maxPrefix = family == AddressFamily.InterNetwork ? 32 : 128;
        if (address.AddressFamily != family)
        {
            problem = $"'{cidr}' is not an {version} CIDR, but the IP set is {version}.";
            return false;
        }

        if (prefix < 1 || prefix > maxPrefix)
        {
            problem = $"'{cidr}' has prefix /{prefix}; AWS WAF IP sets accept /1 to /{maxPrefix}.";
            return false;
        }

        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        network = new IPNetwork(new IPAddress(bytes), prefix);
        problem = null;
        return true;
    }
}
