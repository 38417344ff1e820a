using Microsoft.Extensions.Time.Testing;
using SecureLambda.LocalCloud.Waf;
using static SecureLambda.LocalCloud.Tests.Waf.WafTestAcls;

namespace SecureLambda.LocalCloud.Tests.Waf;

public sealed class WebAclEvaluatorTests
{
    private static WebAclEvaluator Evaluator(string aclJson) => new(Parse(aclJson), new FakeTimeProvider());

    [Fact]
    public void EvaluatesRulesInAscendingPriority_NotInListOrder()
    {
        var acl = Acl("order", "Allow",
            Rule("BlockTen", 20, "Block", InV4),
            Rule("AllowTen", 10, "Allow", InV4));

        var decision = Evaluator(acl).Evaluate(From("10.1.2.3"));

        Assert.Equal(WafAction.Allow, decision.Action);
        Assert.Equal("AllowTen", decision.TerminatingRule);
    }

    [Fact]
    public void CountIsNonTerminating_AndLaterBlockDecides()
    {
        var acl = Acl("count-then-block", "Allow",
            Rule("CountTen", 0, "Count", InV4),
            Rule("BlockTen", 1, "Block", InV4),
            Rule("CountAfter", 2, "Count", InV4));

        var decision = Evaluator(acl).Evaluate(From("10.0.0.1"));

        Assert.Equal(WafAction.Block, decision.Action);
        Assert.Equal("BlockTen", decision.TerminatingRule);
        Assert.Equal(["CountTen"], decision.CountedRules);
    }

    [Fact]
    public void AppliesDefaultActionBlock_WhenNoRuleMatches()
    {
        var acl = Acl("default-block", "Block", Rule("AllowTen", 0, "Allow", InV4));

        var evaluator = Evaluator(acl);

        Assert.Equal(new WafAction[] { WafAction.Block, WafAction.Allow },
            [evaluator.Evaluate(From("172.16.0.1")).Action, evaluator.Evaluate(From("10.9.9.9")).Action]);
        Assert.Null(evaluator.Evaluate(From("172.16.0.1")).TerminatingRule);
    }

    [Theory]
    [InlineData("2001:db8:ffff::1", true)]
    [InlineData("2001:db9::1", false)]
    [InlineData("10.0.0.1", false)]
    public void MatchesIpv6Sets_OnlyForIpv6SourcesInside(string ip, bool blocked)
    {
        var acl = Acl("v6", "Allow", Rule("BlockV6", 0, "Block", InV6));

        Assert.Equal(blocked ? WafAction.Block : WafAction.Allow, Evaluator(acl).Evaluate(From(ip)).Action);
    }

    [Fact]
    public void MatchesIpv4MappedIpv6Source_AgainstIpv4Set()
    {
        var acl = Acl("mapped", "Allow", Rule("BlockTen", 0, "Block", InV4));

        Assert.Equal(WafAction.Block, Evaluator(acl).Evaluate(From("::ffff:10.20.30.40")).Action);
    }

    [Fact]
    public void EvaluatesAndStatement_AsConjunction()
    {
        var forwardedInside = InV4Forwarded("FIRST", "NO_MATCH");
        var and = $$$"""{"AndStatement":{"Statements":[{{{InV4}}},{{{Not(forwardedInside)}}}]}}""";
        var acl = Acl("and", "Allow", Rule("InsideButForwardedFromOutside", 0, "Block", and));

        var evaluator = Evaluator(acl);

        Assert.Equal(WafAction.Block, evaluator.Evaluate(From("10.0.0.1", ("X-Forwarded-For", "198.51.100.1"))).Action);
        Assert.Equal(WafAction.Allow, evaluator.Evaluate(From("10.0.0.1", ("X-Forwarded-For", "10.0.0.2"))).Action);
    }

    [Theory]
    [InlineData("FIRST", "10.0.0.1, 198.51.100.1", true)]
    [InlineData("FIRST", "198.51.100.1, 10.0.0.1", false)]
    [InlineData("LAST", "198.51.100.1, 10.0.0.1", true)]
    [InlineData("ANY", "198.51.100.1, 10.0.0.1, 198.51.100.2", true)]
    [InlineData("ANY", "198.51.100.1, 198.51.100.2", false)]
    public void IpSetForwardedIpConfig_InspectsTheHeaderAtItsPosition(string position, string header, bool blocked)
    {
        var statement = InV4Forwarded(position, "NO_MATCH");
        var acl = Acl("xff", "Allow", Rule("BlockForwardedTen", 0, "Block", statement));

        var decision = Evaluator(acl).Evaluate(From("203.0.113.1", ("x-forwarded-for", header)));

        Assert.Equal(blocked ? WafAction.Block : WafAction.Allow, decision.Action);
    }

    [Fact]
    public void IpSetForwardedIpConfig_DoesNotApplyTheRule_WhenTheHeaderIsMissing()
    {
        // "If the specified header isn't present in the request, AWS WAF doesn't apply the rule to the web request at
        // all" - so a NotStatement around it does not turn the missing header into a match.
        var statement = Not(InV4Forwarded("FIRST", "MATCH"));
        var acl = Acl("xff-missing", "Allow", Rule("BlockForwardedOutside", 0, "Block", statement));

        var evaluator = Evaluator(acl);

        Assert.Equal(WafAction.Allow, evaluator.Evaluate(From("203.0.113.1")).Action);
        Assert.Equal(WafAction.Block, evaluator.Evaluate(From("10.0.0.1", ("X-Forwarded-For", "203.0.113.1"))).Action);
    }

    [Theory]
    [InlineData("MATCH", WafAction.Block)]
    [InlineData("NO_MATCH", WafAction.Allow)]
    public void IpSetForwardedIpConfig_AppliesFallbackBehavior_ToAnInvalidAddress(string fallback, WafAction expected)
    {
        var statement = InV4Forwarded("FIRST", fallback);
        var acl = Acl("xff-fallback", "Allow", Rule("BlockForwardedTen", 0, "Block", statement));

        Assert.Equal(expected, Evaluator(acl).Evaluate(From("10.0.0.1", ("X-Forwarded-For", "not-an-ip"))).Action);
    }

    [Fact]
    public void ReadsNumbersGivenAsStrings_AndClearsHostBitsOfCidrs()
    {
        var acl = Parse(Acl("strings", "Allow", Rule("R", "7", "Block", RateBased("\"25\"", ",\"EvaluationWindowSec\":\"60\""))));

        Assert.Equal(7, acl.Rules[0].Priority);
        var rate = Assert.IsType<RateBasedStatement>(acl.Rules[0].Statement);
        Assert.Equal((25L, 60), (rate.Limit, rate.EvaluationWindowSec));
    }
}
