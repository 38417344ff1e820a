using System.Net;
using Microsoft.Extensions.Time.Testing;
using SecureLambda.LocalCloud.Waf;

namespace SecureLambda.LocalCloud.Tests.Waf;

/// <summary>The template's GreetingWebAcl, read from the real YAML with its parameters resolved.</summary>
public sealed class TemplateWebAclTests
{
    private static readonly Dictionary<string, string> NarrowCidrs = new()
    {
        ["AllowedCidrs"] = "203.0.113.0/24,198.51.100.7/32",
        ["AllowedIpv6Cidrs"] = "2001:db8:1::/48",
    };

    private static WebAclEvaluator Evaluator(Dictionary<string, string> parameters)
    {
        var template = new TestTemplate(parameters);
        var acl = WebAcl.FromTemplate(template.Resource("GreetingWebAcl"), template.IpSetsByArn());
        return new WebAclEvaluator(acl, new FakeTimeProvider());
    }

    /// <summary>A request as a real client sends it: a token and a User-Agent, which the web ACL requires.</summary>
    private static WafRequest From(string ip) =>
        new(IPAddress.Parse(ip), new Dictionary<string, string> { ["Authorization"] = "eyJ.token", ["User-Agent"] = "test/1.0" }, "POST", "/development/lambda1");

    [Fact]
    public void Parses_TheTemplatesWebAcl_WithDefaultParameters()
    {
        var template = new TestTemplate();

        var acl = WebAcl.FromTemplate(template.Resource("GreetingWebAcl"), template.IpSetsByArn());

        Assert.Equal("secure-lambda-GreetingWebAcl", acl.Name);
        Assert.Equal(WafAction.Allow, acl.DefaultAction);
        Assert.Equal(
            [
                "AllowedCidrsOnly", "RatePerSourceIp", "RequireAuthorizationHeader", "BodySizeLimit",
                "AWS-AWSManagedRulesAmazonIpReputationList", "AWS-AWSManagedRulesKnownBadInputsRuleSet", "AWS-AWSManagedRulesCommonRuleSet",
            ],
            acl.Rules.Select(r => r.Name));
        Assert.Equal(WebAcl.DefaultBodyInspectionLimit, acl.BodyInspectionLimit);

        var allowList = acl.Rules[0];
        Assert.Equal(WafRuleAction.Count, allowList.Action);
        Assert.Equal("AllowedCidrsOnly", allowList.MetricName);
        var or = Assert.IsType<OrStatement>(Assert.IsType<NotStatement>(allowList.Statement).Statement);
        var v4 = Assert.IsType<IpSetReferenceStatement>(or.Statements[0]);
        var v6 = Assert.IsType<IpSetReferenceStatement>(or.Statements[1]);
        Assert.Equal(IpAddressVersion.IPv4, v4.Version);
        Assert.Equal([IPNetwork.Parse("0.0.0.0/1"), IPNetwork.Parse("128.0.0.0/1")], v4.Addresses);
        Assert.Equal(IpAddressVersion.IPv6, v6.Version);
        Assert.Equal([IPNetwork.Parse("::/1"), IPNetwork.Parse("8000::/1")], v6.Addresses);

        var rate = Assert.IsType<RateBasedStatement>(acl.Rules[1].Statement);
        Assert.Equal(WafRuleAction.Block, acl.Rules[1].Action);
        Assert.Equal(300, rate.Limit);
        Assert.Equal(300, rate.EvaluationWindowSec);
        Assert.Equal(RateAggregateKeyType.Ip, rate.AggregateKeyType);
        Assert.Null(rate.ScopeDownStatement);
    }

    [Theory]
    [InlineData("192.0.2.1")]
    [InlineData("255.255.255.255")]
    [InlineData("2001:db8::1")]
    [InlineData("ffff::1")]
    public void Allows_EveryAddress_WithDefaultParameters(string ip)
    {
        var decision = Evaluator([]).Evaluate(From(ip));

        Assert.Equal(WafAction.Allow, decision.Action);
        Assert.Null(decision.TerminatingRule);
        Assert.Empty(decision.CountedRules);
    }

    [Fact]
    public void Counts_ButAllows_WhenSourceIsOutsideAllowedCidrs_AndActionIsCount()
    {
        var decision = Evaluator(NarrowCidrs).Evaluate(From("192.0.2.10"));

        Assert.Equal(WafAction.Allow, decision.Action);
        Assert.Null(decision.TerminatingRule);
        Assert.Equal(["AllowedCidrsOnly"], decision.CountedRules);
    }

    [Fact]
    public void Blocks_WhenSourceIsOutsideAllowedCidrs_AndActionIsBlock()
    {
        var decision = Evaluator(new(NarrowCidrs) { ["WafIpRuleAction"] = "Block" }).Evaluate(From("192.0.2.10"));

        Assert.Equal(WafAction.Block, decision.Action);
        Assert.Equal("AllowedCidrsOnly", decision.TerminatingRule);
    }

    [Theory]
    [InlineData("203.0.113.77")]
    [InlineData("198.51.100.7")]
    [InlineData("2001:db8:1:ffff::1")]
    public void Allows_WhenSourceIsInsideAllowedCidrs_AndActionIsBlock(string ip)
    {
        var decision = Evaluator(new(NarrowCidrs) { ["WafIpRuleAction"] = "Block" }).Evaluate(From(ip));

        Assert.Equal(WafAction.Allow, decision.Action);
        Assert.Null(decision.TerminatingRule);
        Assert.Empty(decision.CountedRules);
    }

    [Theory]
    [InlineData("198.51.100.8")]
    [InlineData("2001:db8:2::1")]
    [InlineData("::1")]
    public void Blocks_WhenSourceIsJustOutsideAllowedCidrs_AndActionIsBlock(string ip)
    {
        var decision = Evaluator(new(NarrowCidrs) { ["WafIpRuleAction"] = "Block" }).Evaluate(From(ip));

        Assert.Equal(WafAction.Block, decision.Action);
    }

    [Fact]
    public void MatchesIpv4MappedIpv6Source_AsIpv4()
    {
        var evaluator = Evaluator(new(NarrowCidrs) { ["WafIpRuleAction"] = "Block" });

        Assert.Equal(WafAction.Allow, evaluator.Evaluate(From("::ffff:203.0.113.5")).Action);
        Assert.Equal(WafAction.Block, evaluator.Evaluate(From("::ffff:192.0.2.5")).Action);
    }

    [Fact]
    public void BlocksBySourceIp_AfterTheTemplatesRateLimit()
    {
        var evaluator = Evaluator(new() { ["WafRateLimit"] = "10" });

        var decisions = Enumerable.Range(0, 11).Select(_ => evaluator.Evaluate(From("192.0.2.1"))).ToList();

        Assert.All(decisions.Take(10), d => Assert.Equal(WafAction.Allow, d.Action));
        Assert.Equal(WafAction.Block, decisions[10].Action);
        Assert.Equal("RatePerSourceIp", decisions[10].TerminatingRule);
    }

    /// <summary>
    /// RequireAuthorizationHeader: a NotStatement over "the Authorization header is longer than 0 bytes". A header that
    /// is absent has no size, so the size constraint does not match and the rule blocks; so does an empty header.
    /// https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-size-constraint-match.html
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void StarveTheStage_WithoutAToken_IsBlockedBeforeApiGateway(string? authorization)
    {
        var headers = new Dictionary<string, string> { ["User-Agent"] = "flood/1.0" };
        if (authorization is not null)
        {
            headers["authorization"] = authorization;
        }

        var decision = Evaluator([]).Evaluate(new WafRequest(IPAddress.Parse("192.0.2.1"), headers, "POST", "/development/lambda1"));

        Assert.Equal(WafAction.Block, decision.Action);
        Assert.Equal("RequireAuthorizationHeader", decision.TerminatingRule);
    }

    [Fact]
    public void BodySizeLimit_LetsTheLargestValidGreetingThrough_AndBlocksOneByteMore()
    {
        var evaluator = Evaluator([]);
        WafRequest WithBody(int bytes) => From("192.0.2.1") with { Body = new byte[bytes] };

        Assert.Equal(WafAction.Allow, evaluator.Evaluate(WithBody(1024)).Action);
        var blocked = evaluator.Evaluate(WithBody(1025));

        Assert.Equal(WafAction.Block, blocked.Action);
        Assert.Equal("BodySizeLimit", blocked.TerminatingRule);
    }

    /// <summary>A body beyond the 16 KB API Gateway forwards to WAF is refused (OversizeHandling MATCH), not judged by its head.
    /// https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-setting-body-inspection-limit.html</summary>
    [Fact]
    public void BodySizeLimit_BlocksABodyBeyondTheInspectionLimit()
    {
        var decision = Evaluator(new() { ["WafMaxBodyBytes"] = "16384" }).Evaluate(From("192.0.2.1") with { Body = new byte[20_000] });

        Assert.Equal(WafAction.Block, decision.Action);
        Assert.Equal("BodySizeLimit", decision.TerminatingRule);
    }

    [Fact]
    public void CoreRuleSet_Blocks_AndLabels_AnEc2MetadataSsrfInTheQuery()
    {
        var decision = Evaluator([]).Evaluate(From("192.0.2.1") with { QueryString = "url=http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data" });

        Assert.Equal(WafAction.Block, decision.Action);
        Assert.Equal("AWS-AWSManagedRulesCommonRuleSet", decision.TerminatingRule);
        Assert.Equal("EC2MetaDataSSRF_QUERYARGUMENTS", decision.TerminatingManagedRule);
        Assert.Equal(["awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_QueryArguments"], decision.Labels);
    }

    [Fact]
    public void NamesEveryRuleItCannotEvaluate_AsNotEmulatedLocally()
    {
        var acl = new WebAclEvaluator(
            WebAcl.FromTemplate(new TestTemplate().Resource("GreetingWebAcl"), new TestTemplate().IpSetsByArn()),
            new FakeTimeProvider()).WebAcl;

        Assert.Contains("AWS-AWSManagedRulesAmazonIpReputationList/AWSManagedIPReputationList", acl.NotEmulatedRules);
        Assert.Contains("AWS-AWSManagedRulesKnownBadInputsRuleSet/Log4JRCE_BODY", acl.NotEmulatedRules);
        Assert.Contains("AWS-AWSManagedRulesCommonRuleSet/CrossSiteScripting_BODY", acl.NotEmulatedRules);
        Assert.DoesNotContain(acl.NotEmulatedRules, rule => rule.EndsWith("/SizeRestrictions_BODY", StringComparison.Ordinal));
    }

    /// <summary>The Cognito pools' web ACL, which the AWS endpoint applies to the pools' sign-in calls; its rate rule is the template's CognitoWafRateLimit.</summary>
    [Fact]
    public void Parses_TheCognitoWebAcl()
    {
        var template = new TestTemplate();

        var acl = WebAcl.FromTemplate(template.Resource("CognitoWebAcl"), template.IpSetsByArn());

        Assert.Equal(["CognitoRatePerSourceIp", "AWS-AWSManagedRulesAmazonIpReputationList"], acl.Rules.Select(r => r.Name));
        Assert.Equal(100, Assert.IsType<RateBasedStatement>(acl.Rules[0].Statement).Limit);
    }
}
