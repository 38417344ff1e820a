using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SecureLambda.LocalCloud.AwsEndpoint;
using SecureLambda.LocalCloud.Diagnostics;
using SecureLambda.LocalCloud.Faults;

namespace SecureLambda.LocalCloud.Tests.Faults;

/// <summary>Applying a fault: its delay on LocalCloud's clock, cancellable, and every applied fault a span event, a count and a log line.</summary>
public sealed class FaultInjectorTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly FakeLogger<FaultInjector> _logger = new();
    private readonly FaultRules _rules = new();

    private FaultInjector Injector(Random? random = null) => new(_rules, random ?? new Random(7), _clock, _logger);

    [Fact]
    public async Task TheDelay_IsTheRulesLatency_OnLocalCloudsClock()
    {
        var rule = new FaultRule("sqs", null, null, null, 1, 1000);

        var applying = Injector().ApplyAsync(rule, "sqs.SendMessage", TestContext.Current.CancellationToken);

        Assert.False(applying.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(applying.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await applying;
    }

    [Fact]
    public async Task TheDelay_EndsWhenTheCallerGivesUp()
    {
        using var aborted = new CancellationTokenSource();
        var applying = Injector().ApplyAsync(new FaultRule("sqs", null, null, null, 1, 60_000), "sqs.SendMessage", aborted.Token);

        await aborted.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => applying);
    }

    [Fact]
    public async Task AnAppliedFault_IsASpanEvent_ACount_AndALogLine()
    {
        // The meter is shared by tests running in parallel: only this test's service is looked at.
        var service = $"svc-{Guid.NewGuid():N}"[..20];
        var rule = new FaultRule(service, "Publish", null, new FaultError(429, "Throttled", "Rate exceeded"), 1, 0);
        using var collector = new MetricCollector<long>(LocalCloudTelemetry.Meter, "securelambda.faults.applied");
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LocalCloudTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        using (var span = LocalCloudTelemetry.Source.StartActivity("call"))
        {
            await Injector().ApplyAsync(rule, $"{service}.Publish", TestContext.Current.CancellationToken);

            var fault = Assert.Single(span!.Events);
            Assert.Equal(FaultInjector.EventName, fault.Name);
            var tags = fault.Tags.ToDictionary(tag => tag.Key, tag => tag.Value);
            Assert.Equal(service, tags["localcloud.fault.service"]);
            Assert.Equal("Publish", tags["localcloud.fault.operation"]);
            Assert.Equal("Throttled", tags["localcloud.fault.code"]);
            Assert.Equal(0, tags["localcloud.fault.latency_ms"]);
        }

        var count = Assert.Single(collector.GetMeasurementSnapshot(), m => Equals(m.Tags["service"], service));
        Assert.Equal(1, count.Value);
        Assert.Equal(("Publish", "*", "Throttled"), (count.Tags["operation"], count.Tags["function"], count.Tags["code"]));
        var log = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Information, log.Level);
        Assert.Equal($"Fault rule {service}.Publish → 429 Throttled, 0 ms, p=1 fired on {service}.Publish", log.Message);
    }

    [Fact]
    public void ThePick_RollsTheInjectedDice()
    {
        _rules.Replace([new FaultRule("sns", null, null, null, 0.5, 10)]);
        var call = new AwsServiceCall("sns", "Publish", AwsProtocol.Query);

        Assert.NotNull(Injector(new FixedRandom(0.49)).PickForCall(call));
        Assert.Null(Injector(new FixedRandom(0.5)).PickForCall(call));
    }

    private sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;
    }
}
