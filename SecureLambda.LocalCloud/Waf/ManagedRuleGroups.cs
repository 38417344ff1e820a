using System.Text.RegularExpressions;

namespace SecureLambda.LocalCloud.Waf;

/// <summary>
/// One rule of an AWS managed rule group: its name, the label it adds when it matches, its action, and, where AWS
/// documents what it inspects exactly enough to reproduce, how it matches. <paramref name="Matches"/> is null for a
/// rule whose signatures are private to AWS: LocalCloud names it "not emulated locally" instead of guessing.
/// </summary>
public sealed record ManagedRule(string Name, string Label, WafRuleAction Action, Func<WafInspection, bool>? Matches);

/// <summary>
/// The AWS managed rule groups LocalCloud knows, rule by rule, in the order of the AWS pages:
/// https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html (core rule set,
/// known bad inputs) and https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-ip-rep.html.
/// Every rule of these groups blocks by default.
/// </summary>
/// <remarks>
/// AWS publishes what each rule inspects but keeps its patterns private. Emulated are the rules whose documented
/// behaviour is a plain condition: the size restrictions (a byte count over a documented size), the missing
/// User-Agent, the PROPFIND method, and the documented examples of the SSRF, LFI and RFI rules (the EC2 instance
/// metadata address, <c>../</c> traversal, a URL with an IPv4 host). Those three may block more in AWS than the
/// documented examples LocalCloud matches; every other rule is reported as not emulated locally.
/// </remarks>
public static partial class ManagedRuleGroups
{
    public const string CommonRuleSet = "AWSManagedRulesCommonRuleSet";
    public const string KnownBadInputsRuleSet = "AWSManagedRulesKnownBadInputsRuleSet";
    public const string AmazonIpReputationList = "AWSManagedRulesAmazonIpReputationList";

    private const string CrsLabel = "awswaf:managed:aws:core-rule-set:";
    private const string KnownBadInputsLabel = "awswaf:managed:aws:known-bad-inputs:";
    private const string IpReputationLabel = "awswaf:managed:aws:amazon-ip-list:";

    /// <summary>The EC2 instance metadata endpoints, IPv4 and IPv6, that an SSRF exploit asks for.
    /// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html</summary>
    private static readonly string[] InstanceMetadataHosts = ["169.254.169.254", "fd00:ec2::254"];

    private static readonly Dictionary<string, IReadOnlyList<ManagedRule>> Groups = new(StringComparer.Ordinal)
    {
        [CommonRuleSet] =
        [
            Crs("NoUserAgent_HEADER", "NoUserAgent_Header", r => r.Header("User-Agent") is null),
            Crs("UserAgent_BadBots_HEADER", "BadBots_Header", null),
            Crs("SizeRestrictions_QUERYSTRING", "SizeRestrictions_QueryString", r => WafInspection.Bytes(r.Request.QueryString) > 2_048),
            Crs("SizeRestrictions_Cookie_HEADER", "SizeRestrictions_Cookie_Header", r => WafInspection.Bytes(r.Header("Cookie")) > 10_240),
            Crs("SizeRestrictions_BODY", "SizeRestrictions_Body", r => r.Body.Length > 8_192),
            Crs("SizeRestrictions_URIPATH", "SizeRestrictions_URIPath", r => WafInspection.Bytes(r.Request.UriPath) > 1_024),
            Crs("EC2MetaDataSSRF_BODY", "EC2MetaDataSSRF_Body", r => AsksForInstanceMetadata(r.BodyTexts)),
            Crs("EC2MetaDataSSRF_COOKIE", "EC2MetaDataSSRF_Cookie", r => AsksForInstanceMetadata(r.CookieTexts)),
            Crs("EC2MetaDataSSRF_URIPATH", "EC2MetaDataSSRF_URIPath", r => AsksForInstanceMetadata(r.UriPathTexts)),
            Crs("EC2MetaDataSSRF_QUERYARGUMENTS", "EC2MetaDataSSRF_QueryArguments", r => AsksForInstanceMetadata(r.QueryArgumentTexts)),
            Crs("GenericLFI_QUERYARGUMENTS", "GenericLFI_QueryArguments", r => TraversesPaths(r.QueryArgumentTexts)),
            Crs("GenericLFI_URIPATH", "GenericLFI_URIPath", r => TraversesPaths(r.UriPathTexts)),
            Crs("GenericLFI_BODY", "GenericLFI_Body", r => TraversesPaths(r.BodyTexts)),
            Crs("RestrictedExtensions_URIPATH", "RestrictedExtensions_URIPath", null),
            Crs("RestrictedExtensions_QUERYARGUMENTS", "RestrictedExtensions_QueryArguments", null),
            Crs("GenericRFI_QUERYARGUMENTS", "GenericRFI_QueryArguments", r => IncludesRemoteFile(r.QueryArgumentTexts)),
            Crs("GenericRFI_BODY", "GenericRFI_Body", r => IncludesRemoteFile(r.BodyTexts)),
            Crs("GenericRFI_URIPATH", "GenericRFI_URIPath", r => IncludesRemoteFile(r.UriPathTexts)),
            Crs("CrossSiteScripting_COOKIE", "CrossSiteScripting_Cookie", null),
            Crs("CrossSiteScripting_QUERYARGUMENTS", "CrossSiteScripting_QueryArguments", null),
            Crs("CrossSiteScripting_BODY", "CrossSiteScripting_Body", null),
            Crs("CrossSiteScripting_URIPATH", "CrossSiteScripting_URIPath", null),
        ],
        [KnownBadInputsRuleSet] =
        [
            KnownBad("JavaDeserializationRCE_HEADER", "JavaDeserializationRCE_Header", null),
            KnownBad("JavaDeserializationRCE_BODY", "JavaDeserializationRCE_Body", null),
            KnownBad("JavaDeserializationRCE_URIPATH", "JavaDeserializationRCE_URIPath", null),
            KnownBad("JavaDeserializationRCE_QUERYSTRING", "JavaDeserializationRCE_QueryString", null),

            // Locally the API is reached on localhost by design, so a rule against a localhost Host header cannot run.
            KnownBad("Host_localhost_HEADER", "Host_Localhost_Header", null),
            KnownBad("PROPFIND_METHOD", "PROPFIND_Method", r => string.Equals(r.Request.Method, "PROPFIND", StringComparison.OrdinalIgnoreCase)),
            KnownBad("ExploitablePaths_URIPATH", "ExploitablePaths_URIPath", null),
            KnownBad("Log4JRCE_HEADER", "Log4JRCE_Header", null),
            KnownBad("Log4JRCE_QUERYSTRING", "Log4JRCE_QueryString", null),
            KnownBad("Log4JRCE_BODY", "Log4JRCE_Body", null),
            KnownBad("Log4JRCE_URIPATH", "Log4JRCE_URIPath", null),
        ],

        // The lists are AWS threat intelligence that changes continuously; nothing of it is published.
        [AmazonIpReputationList] =
        [
            new("AWSManagedIPReputationList", IpReputationLabel + "AWSManagedIPReputationList", WafRuleAction.Block, null),
            new("AWSManagedReconnaissanceList", IpReputationLabel + "AWSManagedReconnaissanceList", WafRuleAction.Block, null),
            new("AWSManagedIPDDoSList", IpReputationLabel + "AWSManagedIPDDoSList", WafRuleAction.Block, null),
        ],
    };

    /// <summary>The rules of the AWS managed rule group <paramref name="name"/>, or null for a group LocalCloud does not know.</summary>
    public static IReadOnlyList<ManagedRule>? Find(string vendorName, string name) =>
        vendorName == "AWS" ? Groups.GetValueOrDefault(name) : null;

    public static IEnumerable<string> KnownGroups => Groups.Keys;

    private static ManagedRule Crs(string name, string label, Func<WafInspection, bool>? matches) =>
        new(name, CrsLabel + label, WafRuleAction.Block, matches);

    private static ManagedRule KnownBad(string name, string label, Func<WafInspection, bool>? matches) =>
        new(name, KnownBadInputsLabel + label, WafRuleAction.Block, matches);

    private static bool AsksForInstanceMetadata(IEnumerable<string> texts) =>
        texts.Any(text => InstanceMetadataHosts.Any(host => text.Contains(host, StringComparison.OrdinalIgnoreCase)));

    /// <summary>"Path traversal attempts using techniques like ../../", with either separator.</summary>
    private static bool TraversesPaths(IEnumerable<string> texts) =>
        texts.Any(text => text.Contains("../", StringComparison.Ordinal) || text.Contains("..\\", StringComparison.Ordinal));

    /// <summary>"URLs that contain IPv4 addresses … http://, https://, ftp://, ftps://, and file://".</summary>
    private static bool IncludesRemoteFile(IEnumerable<string> texts) => texts.Any(text => RemoteFileUrl().IsMatch(text));

    [GeneratedRegex(@"(?:https?|ftps?|file)://(?:[0-9]{1,3}\.){3}[0-9]{1,3}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RemoteFileUrl();
}
