using System.Text;
using SecureLambda.Testing;

namespace SecureLambda.IntegrationTests.Bootstrap;

/// <summary>
/// With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, the function exports its invocation span in the trace that
/// <c>Lambda-Runtime-Trace-Id</c> names, and its greeting log, before it asks for the next event: Lambda freezes the
/// process while that request waits, so anything still buffered then would be late or lost.
/// </summary>
[Collection(BootstrapCollectionDefinition.Name)]
public sealed class TelemetryExportTests(BootstrapFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task InternalFunction_ExportsItsSpanInTheCallersTrace_AndTheGreetingLog()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var runtime = await FakeLambdaRuntimeApi.StartAsync("InternalLambdaWithTelemetry");
        await using var function = fixture.StartFunction(runtime, "internal", greeterName: null,
            ("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.Endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("OTEL_SERVICE_NAME", "internal-lambda"));
        const string traceHex = "6744f1c00af7651916cd43dd8448eb21";

        var outcome = await runtime.InvokeAsync(
                "{\"Records\":[{\"EventSource\":\"aws:sns\",\"Sns\":{\"MessageId\":\"m-otlp\",\"Message\":\"Hopper\"}}]}",
                DateTimeOffset.UtcNow.AddSeconds(30),
                "Root=1-6744f1c0-0af7651916cd43dd8448eb21;Parent=b7ad6b7169203331;Sampled=1")
            .WaitAsync(Timeout, TestContext.Current.CancellationToken);

        Assert.False(outcome.IsError, outcome.Body);
        await runtime.WaitForNextCallsAsync(2, TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.True(otlp.HasExportContaining("traces", Convert.FromHexString(traceHex)), "No span of the caller's trace was exported before the next /next.");
        Assert.True(otlp.HasExportContaining("logs", Encoding.UTF8.GetBytes("Hello Hopper. Greetings from InternalLambda!")), "The greeting log was not exported before the next /next.");
    }

    [Fact]
    public async Task AHangingCollector_NeverHoldsBackTheAnswer()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var otlp = await OtlpReceiver.StartAsync(release.Task);
        await using var runtime = await FakeLambdaRuntimeApi.StartAsync("InternalLambdaWithHangingCollector");
        await using var function = fixture.StartFunction(runtime, "internal", greeterName: null,
            ("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.Endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "600000"));
        try
        {
            // The collector answers nothing until the outcome is in: an export on the answer's path would wait 10 minutes.
            var outcome = await runtime.InvokeAsync(
                    "{\"Records\":[{\"EventSource\":\"aws:sns\",\"Sns\":{\"MessageId\":\"m-hang\",\"Message\":\"Lovelace\"}}]}",
                    DateTimeOffset.UtcNow.AddSeconds(30))
                .WaitAsync(Timeout, TestContext.Current.CancellationToken);

            Assert.False(outcome.IsError, outcome.Body);
        }
        finally
        {
            release.SetResult();
        }
    }
}
