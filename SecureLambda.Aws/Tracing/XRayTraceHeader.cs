using System.Diagnostics;

namespace SecureLambda.Aws.Tracing;

/// <summary>
/// Reads the X-Ray trace header that Lambda passes in <c>Lambda-Runtime-Trace-Id</c>
/// (<c>Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1</c>) as a W3C parent context:
/// an X-Ray root is the 8-hex epoch and 24-hex id of a 32-hex W3C trace id.
/// https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader
/// </summary>
public static class XRayTraceHeader
{
    public static bool TryParse(string? header, out ActivityContext context)
    {
        context = default;
        if (string.IsNullOrWhiteSpace(header))
        {
            return false;
        }

        string? root = null, parent = null;
        var sampled = false;
        foreach (var part in header.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = part.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                continue;
            }

            var value = part[(separator + 1)..];
            switch (part[..separator])
            {
                case "Root": root = value; break;
                case "Parent": parent = value; break;
                case "Sampled": sampled = value == "1"; break;
            }
        }

        // Root is "1-{8 hex}-{24 hex}".
        if (root is not { Length: 35 } || !root.StartsWith("1-", StringComparison.Ordinal) || root[10] != '-')
        {
            return false;
        }

        var traceHex = string.Concat(root.AsSpan(2, 8), root.AsSpan(11, 24));
        if (!IsLowerHex(traceHex) || (parent is not null && (parent.Length != 16 || !IsLowerHex(parent))))
        {
            return false;
        }

        // Lambda always names the parent segment; without one the invocation still joins the trace.
        var spanId = parent is null ? ActivitySpanId.CreateRandom() : ActivitySpanId.CreateFromString(parent);
        context = new ActivityContext(
            ActivityTraceId.CreateFromString(traceHex),
            spanId,
            sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None,
            isRemote: true);
        return true;
    }

    /// <summary>The X-Ray header for an activity, as Lambda and API Gateway pass it on.</summary>
    public static string Format(ActivityContext context)
    {
        var trace = context.TraceId.ToHexString();
        var sampled = context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? 1 : 0;
        return $"Root=1-{trace[..8]}-{trace[8..]};Parent={context.SpanId.ToHexString()};Sampled={sampled}";
    }

    private static bool IsLowerHex(string value) => value.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c));
}
