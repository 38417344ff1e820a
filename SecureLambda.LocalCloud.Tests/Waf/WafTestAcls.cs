using System.Net;
using System.Text.Json.Nodes;
using SecureLambda.CloudFormation.Properties;
using SecureLambda.LocalCloud.Waf;

namespace SecureLambda.LocalCloud.Tests.Waf;

/// <summary>Hand-written web ACL properties, shaped as the resolved CloudFormation properties.</summary>
internal static class WafTestAcls
{
    public const string V4Arn = "arn:aws:wafv2:us-east-1:000000000000:regional/ipset/v4/1";
    public const string V6Arn = "arn:aws:wafv2:us-east-1:000000000000:regional/ipset/v6/2";

    private static readonly Dictionary<string, string> IpSets = new()
    {
        [V4Arn] = """{"Name":"v4","Scope":"REGIONAL","IPAddressVersion":"IPV4","Addresses":["10.0.0.0/8","192.0.2.1/32"]}""",
        [V6Arn] = """{"Name":"v6","Scope":"REGIONAL","IPAddressVersion":"IPV6","Addresses":["2001:db8::/32"]}""",
    };

    public const string WebAclLogicalId = "TestWebAcl";

    public const string WebAclType = "AWS::WAFv2::WebACL";

    public const string IpSetType = "AWS::WAFv2::IPSet";

    public static Func<string, ResourceProperties?> IpSetsByArn { get; } =
        arn => IpSets.TryGetValue(arn, out var json) ? IpSet(arn.Split('/')[^2] + "IpSet", json) : null;

    public static WebAcl Parse(string json) => WebAcl.FromTemplate(WebAclProperties(json), IpSetsByArn);

    /// <summary>Web ACL properties as the provisioned stack hands them to the parser, under <see cref="WebAclLogicalId"/>.</summary>
    public static ResourceProperties WebAclProperties(string json) => new(WebAclLogicalId, WebAclType, (JsonObject)JsonNode.Parse(json)!);

    public static ResourceProperties IpSet(string logicalId, string json) => new(logicalId, IpSetType, (JsonObject)JsonNode.Parse(json)!);

    public static string Acl(string name, string defaultAction, params string[] rules) =>
        $$$"""{"Name":"{{{name}}}","Scope":"REGIONAL","DefaultAction":{"{{{defaultAction}}}":{}},"VisibilityConfig":{"MetricName":"{{{name}}}"},"Rules":[{{{string.Join(",", rules)}}}]}""";

    public static string Rule(string name, object priority, string action, string statement) =>
        $$$"""{"Name":"{{{name}}}","Priority":{{{PriorityJson(priority)}}},"Action":{"{{{action}}}":{}},"Statement":{{{statement}}},"VisibilityConfig":{"MetricName":"{{{name}}}"}}""";

    private static string PriorityJson(object priority) => priority is string text ? $"\"{text}\"" : $"{priority}";

    public static string InV4 => $$$"""{"IPSetReferenceStatement":{"Arn":"{{{V4Arn}}}"}}""";

    public static string InV4Forwarded(string position, string fallback) =>
        "{\"IPSetReferenceStatement\":{\"Arn\":\"" + V4Arn
        + "\",\"IPSetForwardedIPConfig\":{\"HeaderName\":\"X-Forwarded-For\",\"FallbackBehavior\":\"" + fallback
        + "\",\"Position\":\"" + position + "\"}}}";

    public static string InV6 => $$$"""{"IPSetReferenceStatement":{"Arn":"{{{V6Arn}}}"}}""";

    public static string Not(string statement) => $$$"""{"NotStatement":{"Statement":{{{statement}}}}}""";

    public static string RateBased(object limit, string extra = "") =>
        $$$"""{"RateBasedStatement":{"Limit":{{{limit}}},"AggregateKeyType":"IP"{{{extra}}}}}""";

    public static WafRequest From(string ip, params (string Name, string Value)[] headers) =>
        new(IPAddress.Parse(ip), headers.ToDictionary(h => h.Name, h => h.Value));
}
