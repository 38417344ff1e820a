using System.Text;

namespace SecureLambda.LocalCloud.Waf;

/// <summary>
/// The parts of one request that statements inspect, computed once per evaluation. <see cref="Body"/> is only what
/// the associated resource forwards to WAF (<see cref="WebAcl.BodyInspectionLimit"/>); <see cref="BodyIsOversize"/>
/// says there was more. The <c>…Texts</c> are a component as sent and once URL-decoded, since an attacker encodes.
/// https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-setting-body-inspection-limit.html
/// </summary>
public sealed class WafInspection
{
    private IReadOnlyList<string>? _bodyTexts;
    private IReadOnlyList<string>? _queryArgumentTexts;

    internal WafInspection(WafRequest request, int bodyInspectionLimit)
    {
        Request = request;
        BodyIsOversize = request.Body.Length > bodyInspectionLimit;
        Body = BodyIsOversize ? request.Body[..bodyInspectionLimit] : request.Body;
    }

    public WafRequest Request { get; }

    public ReadOnlyMemory<byte> Body { get; }

    public bool BodyIsOversize { get; }

    public IReadOnlyList<string> BodyTexts => _bodyTexts ??= AsSentAndDecoded(Encoding.UTF8.GetString(Body.Span));

    public IReadOnlyList<string> UriPathTexts => AsSentAndDecoded(Request.UriPath);

    public IReadOnlyList<string> CookieTexts => Header("Cookie") is { } cookie ? AsSentAndDecoded(cookie) : [];

    /// <summary>The values of all query arguments, each as sent and decoded.</summary>
    public IReadOnlyList<string> QueryArgumentTexts => _queryArgumentTexts ??=
    [
        .. Request.QueryString.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(pair => AsSentAndDecoded(pair.IndexOf('=', StringComparison.Ordinal) is var at and >= 0 ? pair[(at + 1)..] : "")),
    ];

    public string? Header(string name) => WafHeaders.Find(Request.Headers, name);

    /// <summary>The UTF-8 size of a component, as WAF measures it; 0 for an absent one.</summary>
    public static int Bytes(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);

    private static string[] AsSentAndDecoded(string text)
    {
        // A malformed escape stays as written, as Uri.UnescapeDataString leaves it.
        var decoded = Uri.UnescapeDataString(text.Replace('+', ' '));
        return decoded == text ? [text] : [text, decoded];
    }
}
