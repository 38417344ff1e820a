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
        var acl = WebAcl.FromTemplate(template.Properties("GreetingWebAcl"), template.IpSetsByArn());
        return new WebAclEvaluator(acl, new FakeTimeProvider());
    }

    private static WafRequest From(string ip) => new(IPAddress.Parse(ip), new Dictionary<string, string>());

    [Fact]
    public void Parses_TheTemplatesWebAcl_WithDefaultParameters()
    {
        var template = new TestTemplate();

        var acl = WebAcl.FromTemplate(template.Properties("GreetingWebAcl"), template.IpSetsByArn());

        Assert.Equal("secure-lambda-GreetingWebAcl", acl.Name);
        Assert.Equal(WafAction.Allow, acl.DefaultAction);
        Assert.Equal(["AllowedCidrsOnly", "RatePerSourceIp"], acl.Rules.Select(r => r.Name));

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
        Assert.Equal(1000, rate.Limit);
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
}
