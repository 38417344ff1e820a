using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace SecureLambda.Functions.Telemetry;

/// <summary>
/// Logging and tracing for the function process. Logs always go to standard output as Lambda JSON lines. When
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the Aspire dashboard locally, a collector in AWS), spans and logs are also
/// exported over OTLP (endpoint, protocol and headers from the standard <c>OTEL_*</c> variables).
/// </summary>
public sealed class FunctionObservability : IDisposable
{
    private readonly TracerProvider? _tracerProvider;

    private FunctionObservability(ILoggerFactory loggerFactory, TracerProvider? tracerProvider)
    {
        LoggerFactory = loggerFactory;
        _tracerProvider = tracerProvider;
    }

    public ILoggerFactory LoggerFactory { get; }

    public static FunctionObservability Create(Func<string, string?> variable, LogLevel minimumLevel, TimeProvider timeProvider)
    {
        var exportOtlp = !string.IsNullOrWhiteSpace(variable("OTEL_EXPORTER_OTLP_ENDPOINT"));

        // Simple (synchronous) export: Lambda freezes the process while it waits on /invocation/next,
        // so a batch exporter's background timer would hold spans and logs until some later thaw.
        var tracerProvider = exportOtlp
            ? Sdk.CreateTracerProviderBuilder()
                .AddSource(FunctionTelemetry.SourceName, "SecureLambda.Aws")
                .AddOtlpExporter(otlp => otlp.ExportProcessorType = ExportProcessorType.Simple)
                .Build()
            : null;

        var loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(logging =>
        {
            logging.SetMinimumLevel(minimumLevel);
            logging.AddProvider(new LambdaJsonLoggerProvider(Console.Out, timeProvider, minimumLevel));
            if (exportOtlp)
            {
                logging.AddOpenTelemetry(otel =>
                {
                    otel.IncludeScopes = true;
                    otel.IncludeFormattedMessage = true;
                    otel.AddOtlpExporter((_, processor) => processor.ExportProcessorType = ExportProcessorType.Simple);
                });
            }
        });

        return new FunctionObservability(loggerFactory, tracerProvider);
    }

    public void Dispose()
    {
        LoggerFactory.Dispose();
        _tracerProvider?.Dispose();
    }
}
