using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using SecureLambda.LocalCloud.Diagnostics;
using SecureLambda.LocalCloud.Waf;
using static SecureLambda.LocalCloud.Tests.Waf.WafTestAcls;

namespace SecureLambda.LocalCloud.Tests.Waf;

public sealed class WafTelemetryTests
{
    [Fact]
    public void CountsEveryMatchingRule_AndTheDefaultAction()
    {
        // The meter is shared by tests running in parallel, so only this test's web ACL is looked at.
        var aclName = $"telemetry-{Guid.NewGuid():N}";
        using var collector = new MetricCollector<long>(LocalCloudTelemetry.Meter, "securelambda.waf.requests");
        var evaluator = new WebAclEvaluator(
            Parse(Acl(aclName, "Allow", Rule("CountTen", 0, "Count", InV4), Rule("BlockOne", 1, "Block", InV4))),
            new FakeTimeProvider());

        evaluator.Evaluate(From("10.0.0.1"));
        evaluator.Evaluate(From("172.16.0.1"));

        var mine = collector.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags["web_acl"], aclName))
            .Select(m => ($"{m.Tags["rule"]}", $"{m.Tags["action"]}", m.Value))
            .ToList();
        Assert.Equal([("CountTen", "COUNT", 1L), ("BlockOne", "BLOCK", 1L), ("Default_Action", "ALLOW", 1L)], mine);
    }

    [Fact]
    public void AnnotatesTheCurrentSpan_WithTheDecision()
    {
        using var listener = RecordLocalCloudSpans();
        var evaluator = new WebAclEvaluator(
            Parse(Acl("span", "Allow", Rule("CountTen", 0, "Count", InV4), Rule("BlockTen", 1, "Block", InV4))),
            new FakeTimeProvider());

        using (var blocked = LocalCloudTelemetry.Source.StartActivity("waf"))
        {
            evaluator.Evaluate(From("10.0.0.1"));

            Assert.NotNull(blocked);
            Assert.Equal("BLOCK", blocked.GetTagItem("aws.waf.action"));
            Assert.Equal("BlockTen", blocked.GetTagItem("aws.waf.terminating_rule"));
            Assert.Equal(["CountTen"], (string[])blocked.GetTagItem("aws.waf.counted_rules")!);
        }

        using var allowed = LocalCloudTelemetry.Source.StartActivity("waf");
        evaluator.Evaluate(From("172.16.0.1"));

        Assert.Equal("ALLOW", allowed!.GetTagItem("aws.waf.action"));
        Assert.Equal("Default_Action", allowed.GetTagItem("aws.waf.terminating_rule"));
        Assert.Empty((string[])allowed.GetTagItem("aws.waf.counted_rules")!);
    }

    /// <summary>Never a silent skip: every WAF span names the managed rules AWS would run that LocalCloud did not.</summary>
    [Fact]
    public void NamesTheRulesNotEmulatedLocally_OnEveryWafSpan_WithTheTerminatingManagedRuleAndLabels()
    {
        using var listener = RecordLocalCloudSpans();
        var group = """{"Name":"Crs","Priority":0,"OverrideAction":{"None":{}},"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesCommonRuleSet"}},"VisibilityConfig":{"MetricName":"Crs"}}""";
        var evaluator = new WebAclEvaluator(Parse(Acl("span-managed", "Allow", group)), new FakeTimeProvider());

        using var span = LocalCloudTelemetry.Source.StartActivity("waf");
        evaluator.Evaluate(From("192.0.2.1"));

        Assert.NotNull(span);
        Assert.Equal("Crs", span.GetTagItem("aws.waf.terminating_rule"));
        Assert.Equal("NoUserAgent_HEADER", span.GetTagItem("aws.waf.terminating_managed_rule"));
        Assert.Equal(["awswaf:managed:aws:core-rule-set:NoUserAgent_Header"], (string[])span.GetTagItem("aws.waf.labels")!);
        var notEmulated = (string[])span.GetTagItem(WafTelemetry.NotEmulatedAttribute)!;
        Assert.Contains("Crs/CrossSiteScripting_BODY: not emulated locally", notEmulated);
        Assert.Contains("Crs/UserAgent_BadBots_HEADER: not emulated locally", notEmulated);
        Assert.DoesNotContain(notEmulated, rule => rule.StartsWith("Crs/NoUserAgent_HEADER", StringComparison.Ordinal));
    }

    private static ActivityListener RecordLocalCloudSpans()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LocalCloudTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
