using Microsoft.Extensions.Time.Testing;
using SecureLambda.LocalCloud.Waf;
using static SecureLambda.LocalCloud.Tests.Waf.WafTestAcls;

namespace SecureLambda.LocalCloud.Tests.Waf;

public sealed class RateBasedRuleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private WebAclEvaluator Evaluator(params string[] rules) => new(Parse(Acl("rate", "Allow", rules)), _time);

    private static void Send(WebAclEvaluator evaluator, string ip, int times, WafAction expected)
    {
        for (var i = 0; i < times; i++)
        {
            Assert.Equal(expected, evaluator.Evaluate(From(ip)).Action);
        }
    }

    [Fact]
    public void PassesExactlyLimitRequestsInTheWindow_AndBlocksTheNext()
    {
        var evaluator = Evaluator(Rule("Rate", 0, "Block", RateBased(10)));

        Send(evaluator, "192.0.2.1", 10, WafAction.Allow);
        var blocked = evaluator.Evaluate(From("192.0.2.1"));

        Assert.Equal(WafAction.Block, blocked.Action);
        Assert.Equal("Rate", blocked.TerminatingRule);
    }

    [Fact]
    public void DoesNotAffectAnotherSourceIp()
    {
        var evaluator = Evaluator(Rule("Rate", 0, "Block", RateBased(10)));
        Send(evaluator, "192.0.2.1", 10, WafAction.Allow);

        Assert.Equal(WafAction.Block, evaluator.Evaluate(From("192.0.2.1")).Action);
        Send(evaluator, "192.0.2.2", 10, WafAction.Allow);
    }

    [Fact]
    public void PassesAgain_AfterTheDefaultFiveMinuteWindowHasSlidPast()
    {
        var evaluator = Evaluator(Rule("Rate", 0, "Block", RateBased(10)));
        Send(evaluator, "192.0.2.1", 10, WafAction.Allow);
        Send(evaluator, "192.0.2.1", 1, WafAction.Block);

        _time.Advance(TimeSpan.FromSeconds(299));
        Send(evaluator, "192.0.2.1", 1, WafAction.Block);

        _time.Advance(TimeSpan.FromSeconds(1));
        Send(evaluator, "192.0.2.1", 1, WafAction.Allow);
    }

    [Fact]
    public void SlidesTheWindow_RatherThanResettingIt()
    {
        var evaluator = Evaluator(Rule("Rate", 0, "Block", RateBased(10, ",\"EvaluationWindowSec\":60")));
        Send(evaluator, "192.0.2.1", 5, WafAction.Allow);
        _time.Advance(TimeSpan.FromSeconds(30));
        Send(evaluator, "192.0.2.1", 5, WafAction.Allow);
        Send(evaluator, "192.0.2.1", 1, WafAction.Block);

        // The first five leave the 60 s window; the five from t=30 s and the blocked one (6) are still in it.
        _time.Advance(TimeSpan.FromSeconds(30));
        Send(evaluator, "192.0.2.1", 4, WafAction.Allow);
        Send(evaluator, "192.0.2.1", 1, WafAction.Block);
    }

    [Fact]
    public void CountsOnlyRequestsInScope_OfTheScopeDownStatement()
    {
        var evaluator = Evaluator(Rule("RateInTen", 0, "Block", RateBased(10, $",\"ScopeDownStatement\":{InV4}")));

        // 172.16.0.1 is out of scope: never counted, never blocked.
        Send(evaluator, "172.16.0.1", 50, WafAction.Allow);
        Send(evaluator, "10.0.0.1", 10, WafAction.Allow);
        Send(evaluator, "10.0.0.1", 1, WafAction.Block);
        Send(evaluator, "172.16.0.1", 1, WafAction.Allow);
    }

    [Fact]
    public void DoesNotCountRequests_ThatAnEarlierRuleTerminated()
    {
        var evaluator = Evaluator(
            Rule("AllowForwardedTen", 0, "Allow", InV4Forwarded("FIRST", "NO_MATCH")),
            Rule("Rate", 1, "Block", RateBased(10)));

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal("AllowForwardedTen", evaluator.Evaluate(From("192.0.2.1", ("X-Forwarded-For", "10.0.0.1"))).TerminatingRule);
        }

        // Without the header the first rule does not apply, so the same source reaches the rate rule with a fresh count.
        Send(evaluator, "192.0.2.1", 10, WafAction.Allow);
        Send(evaluator, "192.0.2.1", 1, WafAction.Block);
    }

    [Fact]
    public void CountedRateRule_RecordsTheMatch_ButDoesNotBlock()
    {
        var evaluator = Evaluator(Rule("RateCount", 0, "Count", RateBased(10)));

        Send(evaluator, "192.0.2.1", 10, WafAction.Allow);
        var decision = evaluator.Evaluate(From("192.0.2.1"));

        Assert.Equal(WafAction.Allow, decision.Action);
        Assert.Equal(["RateCount"], decision.CountedRules);
    }

    [Fact]
    public void AggregatesOnTheForwardedIp_WhenAggregateKeyTypeIsForwardedIp()
    {
        var forwarded = """{"RateBasedStatement":{"Limit":10,"AggregateKeyType":"FORWARDED_IP","ForwardedIPConfig":{"HeaderName":"X-Forwarded-For","FallbackBehavior":"NO_MATCH"}}}""";
        var evaluator = Evaluator(Rule("RateXff", 0, "Block", forwarded));

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(WafAction.Allow, evaluator.Evaluate(From($"10.0.0.{i}", ("X-Forwarded-For", "198.51.100.9, 10.0.0.1"))).Action);
        }

        Assert.Equal(WafAction.Block, evaluator.Evaluate(From("10.0.0.99", ("X-Forwarded-For", "198.51.100.9"))).Action);
        Assert.Equal(WafAction.Allow, evaluator.Evaluate(From("10.0.0.1", ("X-Forwarded-For", "198.51.100.10"))).Action);

        // No header: the rule is not applied at all.
        Send(evaluator, "10.0.0.1", 20, WafAction.Allow);
    }

    [Fact]
    public void PrunesKeys_WhoseRequestsHaveAllLeftTheWindow()
    {
        var evaluator = Evaluator(Rule("Rate", 0, "Block", RateBased(10, ",\"EvaluationWindowSec\":60")));
        for (var i = 0; i < 200; i++)
        {
            evaluator.Evaluate(From($"192.0.2.{i}"));
        }

        Assert.Equal(200, evaluator.TrackedRateKeys("Rate"));

        _time.Advance(TimeSpan.FromSeconds(61));
        evaluator.Evaluate(From("198.51.100.1"));

        Assert.Equal(1, evaluator.TrackedRateKeys("Rate"));
    }
}
