using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Properties;
using SecureLambda.LocalCloud.ApiGateway.Throttling;
using SecureLambda.LocalCloud.Diagnostics;
using SecureLambda.LocalCloud.Tests.Waf;

namespace SecureLambda.LocalCloud.Tests.ApiGateway.Throttling;

public sealed class StageThrottleTests
{
    private readonly FakeTimeProvider _time = new();

    private static ResourceProperties Stage(string name, string methodSettings) =>
        new("GreetingApiStage", "AWS::ApiGateway::Stage", (JsonObject)JsonNode.Parse($$$"""{"StageName":"{{{name}}}","MethodSettings":{{{methodSettings}}}}""")!);

    private static int Acquire(StageThrottle throttle, string path, string method, int attempts) =>
        Enumerable.Range(0, attempts).Count(_ => throttle.TryAcquire(path, method));

    [Fact]
    public void ThrottlesEachMethod_WithTheTemplatesStageLimits()
    {
        var template = new TestTemplate();
        var throttle = StageThrottle.FromTemplate(template.Resource("GreetingApiStage"), _time);

        Assert.Equal("development", throttle.StageName);
        Assert.Equal(new ThrottleLimits(50, 100), throttle.LimitsFor("/lambda1", "POST"));
        Assert.Equal(100, Acquire(throttle, "/lambda1", "POST", 100));
        Assert.False(throttle.TryAcquire("/lambda1", "POST"));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(50, Acquire(throttle, "/lambda1", "POST", 60));
    }

    [Fact]
    public void KeepsOneBucketPerMethod()
    {
        var throttle = StageThrottle.FromTemplate(
            Stage("dev", """[{"ResourcePath":"/*","HttpMethod":"*","ThrottlingRateLimit":1,"ThrottlingBurstLimit":2}]"""), _time);

        Assert.Equal(2, Acquire(throttle, "/lambda1", "POST", 5));
        Assert.Equal(2, Acquire(throttle, "/lambda2", "POST", 5));
        Assert.Equal(2, Acquire(throttle, "/lambda1", "GET", 5));
        Assert.Equal(0, Acquire(throttle, "/lambda1", "post", 5));
    }

    [Fact]
    public void SpecificMethodSetting_OverridesTheStageWideOne_AndDecodesTilde1AsSlash()
    {
        var throttle = StageThrottle.FromTemplate(Stage("dev", """
            [
              {"ResourcePath":"/*","HttpMethod":"*","ThrottlingRateLimit":"50","ThrottlingBurstLimit":"100"},
              {"ResourcePath":"/~1lambda1","HttpMethod":"POST","ThrottlingRateLimit":"1","ThrottlingBurstLimit":"3"},
              {"ResourcePath":"/~1pets~1{id}","HttpMethod":"*","ThrottlingBurstLimit":7}
            ]
            """), _time);

        Assert.Equal(new ThrottleLimits(1, 3), throttle.LimitsFor("/lambda1", "POST"));
        Assert.Equal(new ThrottleLimits(50, 100), throttle.LimitsFor("/lambda1", "GET"));
        Assert.Equal(new ThrottleLimits(50, 100), throttle.LimitsFor("/lambda2", "POST"));
        Assert.Equal(new ThrottleLimits(50, 7), throttle.LimitsFor("/pets/{id}", "DELETE"));

        Assert.Equal(3, Acquire(throttle, "/lambda1", "POST", 10));
        Assert.Equal(100, Acquire(throttle, "/lambda2", "POST", 200));
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/*", "/*")]
    [InlineData("/~1lambda1", "/lambda1")]
    [InlineData("/~1a~1b", "/a/b")]
    [InlineData("/~1a~01", "/a~1")]
    public void DecodesResourcePaths_AsAwsEncodesThem(string encoded, string decoded) =>
        Assert.Equal(decoded, MethodThrottleSetting.DecodeResourcePath(encoded));

    [Fact]
    public void LeavesMethodsUnthrottled_WhenNoSettingLimitsThem()
    {
        var none = StageThrottle.FromTemplate(new ResourceProperties("GreetingApiStage", "AWS::ApiGateway::Stage", (JsonObject)JsonNode.Parse("""{"StageName":"dev"}""")!), _time);
        var metricsOnly = StageThrottle.FromTemplate(Stage("dev", """[{"ResourcePath":"/*","HttpMethod":"*","MetricsEnabled":true}]"""), _time);
        var unlimited = StageThrottle.FromTemplate(Stage("dev", """[{"ResourcePath":"/*","HttpMethod":"*","ThrottlingRateLimit":-1,"ThrottlingBurstLimit":-1}]"""), _time);

        Assert.All([none, metricsOnly, unlimited], throttle =>
        {
            Assert.Null(throttle.LimitsFor("/lambda1", "POST"));
            Assert.Equal(10_000, Acquire(throttle, "/lambda1", "POST", 10_000));
        });
    }

    [Fact]
    public void ThrottlesEverything_WhenStageLimitsAreZero()
    {
        var throttle = StageThrottle.FromTemplate(
            Stage("dev", """[{"ResourcePath":"/*","HttpMethod":"*","ThrottlingRateLimit":"0","ThrottlingBurstLimit":"0"}]"""), _time);

        Assert.Equal(0, Acquire(throttle, "/lambda1", "POST", 10));
    }

    [Fact]
    public void AppliesTheAccountBucket_AcrossMethodsAndStages()
    {
        var account = new TokenBucket(ratePerSecond: 0, burst: 5, _time);
        var settings = """[{"ResourcePath":"/*","HttpMethod":"*","ThrottlingRateLimit":100,"ThrottlingBurstLimit":100}]""";
        var dev = StageThrottle.FromTemplate(Stage("dev", settings), _time, account);
        var prod = StageThrottle.FromTemplate(Stage("prod", settings), _time, account);

        var passed = Acquire(dev, "/lambda1", "POST", 3) + Acquire(prod, "/lambda2", "POST", 10);

        Assert.Equal(5, passed);
    }

    [Fact]
    public void FailsLoudly_OnAnUnreadableLimit()
    {
        var error = Assert.Throws<UnsupportedTemplateException>(() => StageThrottle.FromTemplate(
            Stage("dev", """[{"ResourcePath":"/*","HttpMethod":"*","ThrottlingBurstLimit":"lots"}]"""), _time));

        Assert.Contains("ThrottlingBurstLimit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordsDecisions_AsCounterAndSpanAttribute()
    {
        var stage = $"stage-{Guid.NewGuid():N}";
        using var collector = new MetricCollector<long>(LocalCloudTelemetry.Meter, StageThrottle.CounterName);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LocalCloudTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var throttle = StageThrottle.FromTemplate(
            Stage(stage, """[{"ResourcePath":"/*","HttpMethod":"*","ThrottlingRateLimit":0,"ThrottlingBurstLimit":1}]"""), _time);

        using (var first = LocalCloudTelemetry.Source.StartActivity("throttle"))
        {
            throttle.TryAcquire("/lambda1", "POST");
            Assert.Equal("allowed", first!.GetTagItem("securelambda.throttle.result"));
        }

        using (var second = LocalCloudTelemetry.Source.StartActivity("throttle"))
        {
            throttle.TryAcquire("/lambda1", "POST");
            Assert.Equal("throttled", second!.GetTagItem("securelambda.throttle.result"));
        }

        var mine = collector.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags["stage"], stage))
            .Select(m => ($"{m.Tags["method"]}", $"{m.Tags["result"]}", m.Value))
            .ToList();
        Assert.Equal([("POST /lambda1", "allowed", 1L), ("POST /lambda1", "throttled", 1L)], mine);
    }

    [Fact]
    public void FailureNamesTheStage_AndTheMethodSettingPath_WhenAResourcePathIsNotAPath()
    {
        var error = Assert.Throws<UnsupportedTemplateException>(() => StageThrottle.FromTemplate(
            Stage("dev", """[{"ResourcePath":"/*","HttpMethod":"*"},{"ResourcePath":"lambda1","HttpMethod":"POST"}]"""), _time));

        Assert.Equal("GreetingApiStage", error.LogicalId);
        Assert.Equal("AWS::ApiGateway::Stage", error.ResourceType);
        Assert.Contains("MethodSettings[1].ResourcePath", error.Message, StringComparison.Ordinal);
        Assert.Contains("must start with '/'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailureNamesTheMethodSettingPath_WhenARateLimitIsNotANumber()
    {
        var error = Assert.Throws<UnsupportedTemplateException>(() => StageThrottle.FromTemplate(
            Stage("dev", """[{"ResourcePath":"/*","HttpMethod":"*","ThrottlingRateLimit":"fast"}]"""), _time));

        Assert.Contains("MethodSettings[0].ThrottlingRateLimit must be a number", error.Message, StringComparison.Ordinal);
    }
}
