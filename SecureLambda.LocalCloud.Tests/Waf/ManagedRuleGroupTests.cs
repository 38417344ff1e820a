using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using SecureLambda.CloudFormation;
using SecureLambda.LocalCloud.Waf;
using static SecureLambda.LocalCloud.Tests.Waf.WafTestAcls;

namespace SecureLambda.LocalCloud.Tests.Waf;

/// <summary>
/// The AWS managed rule groups as LocalCloud evaluates them. Every emulated rule, its size or pattern and its label
/// are the ones documented on https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
/// (core rule set and known bad inputs); rule group overrides as on
/// https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-group-override-options.html.
/// </summary>
public sealed class ManagedRuleGroupTests
{
    private const string CrsLabel = "awswaf:managed:aws:core-rule-set:";

    private static string Group(string name, string overrideAction = "None", string extra = "") =>
        $$$"""{"Name":"AWS-{{{name}}}","Priority":0,"OverrideAction":{"{{{overrideAction}}}":{}},"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"{{{name}}}"{{{extra}}}}},"VisibilityConfig":{"MetricName":"{{{name}}}"}}""";

    private static WebAclEvaluator Evaluator(params string[] rules) =>
        new(Parse(Acl("managed", "Allow", rules)), new FakeTimeProvider());

    /// <summary>A request as a browser or SDK sends it, which no emulated rule matches.</summary>
    private static WafRequest Clean() =>
        new(IPAddress.Parse("192.0.2.1"), new Dictionary<string, string> { ["User-Agent"] = "Mozilla/5.0", ["Cookie"] = "session=abc" },
            "POST", "/development/lambda1", "debug=1", Encoding.UTF8.GetBytes("{\"name\":\"Ada\"}"));

    private static WafRequest WithHeader(string name, string? value)
    {
        var request = Clean();
        var headers = new Dictionary<string, string>(request.Headers);
        if (value is null)
        {
            headers.Remove(name);
        }
        else
        {
            headers[name] = value;
        }

        return request with { Headers = headers };
    }

    /// <summary>Each attack, named by the rule the core rule set documents for it, and the label it must carry.</summary>
    public static TheoryData<string, string, Func<WafRequest>> CoreRuleSetAttacks => new()
    {
        { "NoUserAgent_HEADER", "NoUserAgent_Header", () => WithHeader("User-Agent", null) },
        { "SizeRestrictions_QUERYSTRING", "SizeRestrictions_QueryString", () => Clean() with { QueryString = "q=" + new string('a', 2_047) } },
        { "SizeRestrictions_Cookie_HEADER", "SizeRestrictions_Cookie_Header", () => WithHeader("Cookie", "c=" + new string('a', 10_239)) },
        { "SizeRestrictions_BODY", "SizeRestrictions_Body", () => Clean() with { Body = new byte[8_193] } },
        { "SizeRestrictions_URIPATH", "SizeRestrictions_URIPath", () => Clean() with { UriPath = "/" + new string('a', 1_024) } },
        { "EC2MetaDataSSRF_BODY", "EC2MetaDataSSRF_Body", () => Clean() with { Body = Encoding.UTF8.GetBytes("{\"name\":\"http://169.254.169.254/latest/meta-data/iam\"}") } },
        { "EC2MetaDataSSRF_COOKIE", "EC2MetaDataSSRF_Cookie", () => WithHeader("Cookie", "next=http%3A%2F%2F169.254.169.254%2F") },
        { "EC2MetaDataSSRF_URIPATH", "EC2MetaDataSSRF_URIPath", () => Clean() with { UriPath = "/development/169.254.169.254/latest" } },
        { "EC2MetaDataSSRF_QUERYARGUMENTS", "EC2MetaDataSSRF_QueryArguments", () => Clean() with { QueryString = "url=http://[fd00:ec2::254]/latest" } },
        { "GenericLFI_QUERYARGUMENTS", "GenericLFI_QueryArguments", () => Clean() with { QueryString = "file=..%2F..%2Fetc%2Fpasswd" } },
        { "GenericLFI_URIPATH", "GenericLFI_URIPath", () => Clean() with { UriPath = "/development/%2e%2e/%2e%2e/etc/passwd" } },
        { "GenericLFI_BODY", "GenericLFI_Body", () => Clean() with { Body = Encoding.UTF8.GetBytes("{\"name\":\"..\\\\..\\\\windows\\\\win.ini\"}") } },
        { "GenericRFI_QUERYARGUMENTS", "GenericRFI_QueryArguments", () => Clean() with { QueryString = "page=http://203.0.113.9/shell.txt" } },
        { "GenericRFI_BODY", "GenericRFI_Body", () => Clean() with { Body = Encoding.UTF8.GetBytes("{\"name\":\"FTPS://198.51.100.1/x\"}") } },
        { "GenericRFI_URIPATH", "GenericRFI_URIPath", () => Clean() with { UriPath = "/development/file%3A%2F%2F192.0.2.7%2Fx" } },
    };

    [Theory]
    [MemberData(nameof(CoreRuleSetAttacks))]
    public void CoreRuleSet_BlocksTheDocumentedAttack_WithTheDocumentedLabel(string rule, string label, Func<WafRequest> attack)
    {
        var decision = Evaluator(Group(ManagedRuleGroups.CommonRuleSet)).Evaluate(attack());

        Assert.Equal(WafAction.Block, decision.Action);
        Assert.Equal("AWS-AWSManagedRulesCommonRuleSet", decision.TerminatingRule);
        Assert.Equal(rule, decision.TerminatingManagedRule);
        Assert.Equal([CrsLabel + label], decision.Labels);
    }

    /// <summary>One byte under each documented size, and the clean request: none of the emulated rules may fire.</summary>
    [Fact]
    public void CoreRuleSet_AllowsRequestsAtTheDocumentedSizes_AndCleanRequests()
    {
        var evaluator = Evaluator(Group(ManagedRuleGroups.CommonRuleSet));
        WafRequest[] atTheLimits =
        [
            Clean(),
            Clean() with { QueryString = "q=" + new string('a', 2_046) },
            WithHeader("Cookie", "c=" + new string('a', 10_238)),
            WithHeader("Cookie", null),
            Clean() with { Body = new byte[8_192] },
            Clean() with { UriPath = "/" + new string('a', 1_023) },
            Clean() with { QueryString = "next=https://example.com/a/b", Body = Encoding.UTF8.GetBytes("{\"name\":\"169.254.1.1 ./. ..name\"}") },
        ];

        Assert.All(atTheLimits, request => Assert.Equal(WafAction.Allow, evaluator.Evaluate(request).Action));
    }

    /// <summary>"Inspects the HTTP method in the request for PROPFIND", label known-bad-inputs:PROPFIND_Method.</summary>
    [Fact]
    public void KnownBadInputs_BlocksPropfind()
    {
        var evaluator = Evaluator(Group(ManagedRuleGroups.KnownBadInputsRuleSet));

        var decision = evaluator.Evaluate(Clean() with { Method = "PROPFIND" });

        Assert.Equal(WafAction.Block, decision.Action);
        Assert.Equal(["awswaf:managed:aws:known-bad-inputs:PROPFIND_Method"], decision.Labels);
        Assert.Equal(WafAction.Allow, evaluator.Evaluate(Clean()).Action);
    }

    [Fact]
    public void OverrideActionCount_CountsTheGroup_AndKeepsItsLabels()
    {
        var decision = Evaluator(Group(ManagedRuleGroups.CommonRuleSet, "Count")).Evaluate(WithHeader("User-Agent", null));

        Assert.Equal(WafAction.Allow, decision.Action);
        Assert.Equal(["AWS-AWSManagedRulesCommonRuleSet"], decision.CountedRules);
        Assert.Equal([CrsLabel + "NoUserAgent_Header"], decision.Labels);
    }

    [Fact]
    public void RuleActionOverrides_AndExcludedRules_TurnARuleToCount_AndTheNextMatchingRuleDecides()
    {
        var overrides = ""","RuleActionOverrides":[{"Name":"NoUserAgent_HEADER","ActionToUse":{"Count":{}}}]""";
        var excluded = ""","ExcludedRules":[{"Name":"NoUserAgent_HEADER"}]""";
        var attack = WithHeader("User-Agent", null) with { Body = new byte[9_000] };

        foreach (var extra in (string[])[overrides, excluded])
        {
            var evaluator = Evaluator(Group(ManagedRuleGroups.CommonRuleSet, extra: extra));

            Assert.Equal(WafAction.Allow, evaluator.Evaluate(WithHeader("User-Agent", null)).Action);
            var decision = evaluator.Evaluate(attack);
            Assert.Equal(WafAction.Block, decision.Action);
            Assert.Equal("SizeRestrictions_BODY", decision.TerminatingManagedRule);
            Assert.Equal([CrsLabel + "NoUserAgent_Header", CrsLabel + "SizeRestrictions_Body"], decision.Labels);
        }
    }

    [Fact]
    public void ScopeDownStatement_LimitsTheGroupToTheRequestsInScope()
    {
        var evaluator = Evaluator(Group(ManagedRuleGroups.CommonRuleSet, extra: $",\"ScopeDownStatement\":{InV4}"));

        // The scope is the IP set 10.0.0.0/8 and 192.0.2.1/32.
        Assert.Equal(WafAction.Allow, evaluator.Evaluate(WithHeader("User-Agent", null) with { SourceIp = IPAddress.Parse("172.16.0.1") }).Action);
        Assert.Equal(WafAction.Block, evaluator.Evaluate(WithHeader("User-Agent", null) with { SourceIp = IPAddress.Parse("10.1.2.3") }).Action);
    }

    /// <summary>The IP reputation lists are AWS threat intelligence: none of it can run locally, and each is named.</summary>
    [Fact]
    public void IpReputationList_IsNamedNotEmulated_AndMatchesNothing()
    {
        var evaluator = Evaluator(Group(ManagedRuleGroups.AmazonIpReputationList));

        Assert.Equal(
            [
                "AWS-AWSManagedRulesAmazonIpReputationList/AWSManagedIPReputationList",
                "AWS-AWSManagedRulesAmazonIpReputationList/AWSManagedReconnaissanceList",
                "AWS-AWSManagedRulesAmazonIpReputationList/AWSManagedIPDDoSList",
            ],
            evaluator.WebAcl.NotEmulatedRules);
        Assert.Equal(WafAction.Allow, evaluator.Evaluate(Clean()).Action);
    }

    [Theory]
    [InlineData("""{"Name":"G","Priority":0,"OverrideAction":{"None":{}},"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesBotControlRuleSet"}},"VisibilityConfig":{"MetricName":"G"}}""", "AWSManagedRulesBotControlRuleSet is not known")]
    [InlineData("""{"Name":"G","Priority":0,"Action":{"Block":{}},"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesCommonRuleSet"}},"VisibilityConfig":{"MetricName":"G"}}""", "takes OverrideAction")]
    [InlineData("""{"Name":"G","Priority":0,"OverrideAction":{"None":{}},"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesCommonRuleSet","ExcludedRules":[{"Name":"NoSuchRule"}]}},"VisibilityConfig":{"MetricName":"G"}}""", "'NoSuchRule', which is not a rule")]
    [InlineData("""{"Name":"G","Priority":0,"OverrideAction":{"None":{}},"Statement":{"NotStatement":{"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesCommonRuleSet"}}}},"VisibilityConfig":{"MetricName":"G"}}""", "only be the top-level")]
    [InlineData("""{"Name":"S","Priority":0,"Action":{"Block":{}},"Statement":{"SizeConstraintStatement":{"FieldToMatch":{"Body":{}},"ComparisonOperator":"GT","Size":1,"TextTransformations":[{"Priority":0,"Type":"URL_DECODE"}]}},"VisibilityConfig":{"MetricName":"S"}}""", "URL_DECODE is not emulated")]
    [InlineData("""{"Name":"S","Priority":0,"Action":{"Block":{}},"Statement":{"SizeConstraintStatement":{"FieldToMatch":{"JsonBody":{}},"ComparisonOperator":"GT","Size":1,"TextTransformations":[{"Priority":0,"Type":"NONE"}]}},"VisibilityConfig":{"MetricName":"S"}}""", "FieldToMatch JsonBody is not emulated")]
    public void RefusesAtStartup_WhatItCannotEvaluateExactly(string rule, string expected)
    {
        var failure = Assert.Throws<UnsupportedTemplateException>(() => Parse(Acl("bad", "Allow", rule)));

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    /// <summary>AssociationConfig raises what API Gateway forwards to WAF; beyond it, OversizeHandling decides.
    /// https://docs.aws.amazon.com/waf/latest/APIReference/API_RequestBodyAssociatedResourceTypeConfig.html</summary>
    [Theory]
    [InlineData("", 16_385, "CONTINUE", WafAction.Allow)]
    [InlineData("", 16_385, "MATCH", WafAction.Block)]
    [InlineData("", 16_385, "NO_MATCH", WafAction.Allow)]
    [InlineData(""","AssociationConfig":{"RequestBody":{"API_GATEWAY":{"DefaultSizeInspectionLimit":"KB_32"}}}""", 20_000, "CONTINUE", WafAction.Block)]
    [InlineData(""","AssociationConfig":{"RequestBody":{"API_GATEWAY":{"DefaultSizeInspectionLimit":"KB_32"}}}""", 32_769, "MATCH", WafAction.Block)]
    public void BodySizeConstraint_SeesOnlyWhatTheStageForwards(string associationConfig, int bodyBytes, string oversize, WafAction expected)
    {
        // Block a body of more than 16,384 bytes: with CONTINUE, WAF sees no more than the forwarded part of it.
        var rule = Rule("Body", 0, "Block", $$$"""{"SizeConstraintStatement":{"FieldToMatch":{"Body":{"OversizeHandling":"{{{oversize}}}"}},"ComparisonOperator":"GT","Size":16384,"TextTransformations":[{"Priority":0,"Type":"NONE"}]}}""");
        var acl = Acl("body", "Allow", rule);
        acl = acl.Insert(acl.Length - 1, associationConfig);
        var evaluator = new WebAclEvaluator(Parse(acl), new FakeTimeProvider());

        Assert.Equal(expected, evaluator.Evaluate(Clean() with { Body = new byte[bodyBytes] }).Action);
    }
}
