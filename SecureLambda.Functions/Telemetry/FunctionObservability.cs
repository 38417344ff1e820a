using Microsoft.Extensions.DependencyInjection;
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
/// <remarks>
/// Export runs in the background and is flushed by <see cref="Flush"/> after each invocation's outcome is posted, with
/// a bound: Lambda freezes the process while it waits on <c>/invocation/next</c>, so anything still buffered then would
/// be late or lost, yet a slow or absent collector must never delay the answer itself.
/// </remarks>
public sealed class FunctionObservability : IDisposable
{
    /// <summary>The longest an invocation's telemetry may hold back the request for the next event.</summary>
    public const int FlushTimeoutMilliseconds = 1000;

    private readonly TracerProvider? _tracerProvider;
    private readonly LoggerProvider? _otlpLoggerProvider;
    private readonly IDisposable _loggingServices;

    private FunctionObservability(ILoggerFactory loggerFactory, IDisposable loggingServices, TracerProvider? tracerProvider, LoggerProvider? otlpLoggerProvider)
    {
        LoggerFactory = loggerFactory;
        _loggingServices = loggingServices;
        _tracerProvider = tracerProvider;
        _otlpLoggerProvider = otlpLoggerProvider;
    }

    public ILoggerFactory LoggerFactory { get; }

    public static FunctionObservability Create(Func<string, string?> variable, LogLevel minimumLevel, TimeProvider timeProvider)
    {
        var exportOtlp = !string.IsNullOrWhiteSpace(variable("OTEL_EXPORTER_OTLP_ENDPOINT"));
        var tracerProvider = exportOtlp
            ? Sdk.CreateTracerProviderBuilder()
                .AddSource(FunctionTelemetry.SourceName, "SecureLambda.Aws")
                .AddOtlpExporter()
                .Build()
            : null;

        var services = new ServiceCollection()
            .AddLogging(logging =>
            {
                logging.SetMinimumLevel(minimumLevel);
                logging.AddProvider(new LambdaJsonLoggerProvider(Console.Out, timeProvider, minimumLevel));
                if (exportOtlp)
                {
                    logging.AddOpenTelemetry(otel =>
                    {
                        otel.IncludeScopes = true;
                        otel.IncludeFormattedMessage = true;
                        otel.AddOtlpExporter();
                    });
                }
            })
            .BuildServiceProvider();
        return new FunctionObservability(
            services.GetRequiredService<ILoggerFactory>(),
            services,
            tracerProvider,
            exportOtlp ? services.GetRequiredService<LoggerProvider>() : null);
    }

    /// <summary>Sends what the last invocation recorded, waiting at most <see cref="FlushTimeoutMilliseconds"/> for each signal.</summary>
    public void Flush()
    {
        _tracerProvider?.ForceFlush(FlushTimeoutMilliseconds);
        _otlpLoggerProvider?.ForceFlush(FlushTimeoutMilliseconds);
    }

    public void Dispose()
    {
        _loggingServices.Dispose();
        _tracerProvider?.Dispose();
    }
}
