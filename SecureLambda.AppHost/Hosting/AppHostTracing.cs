using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace SecureLambda.AppHost.Hosting;

/// <summary>
/// Spans of the dashboard commands, exported to the dashboard. Aspire's AppHost does not export spans of its own
/// (only in its opt-in startup profiling mode), so a command's request would otherwise arrive at LocalCloud with a
/// parent that no resource reports. Built on first use and disposed with the AppHost's services.
/// </summary>
public sealed class AppHostTracing : IDisposable
{
    public const string SourceName = "SecureLambda.AppHost";
    public const string ServiceName = "apphost";

    public static readonly ActivitySource Source = new(SourceName);

    private readonly TracerProvider _provider;

    public AppHostTracing(IConfiguration configuration)
    {
        var tracing = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .AddSource(SourceName)
            // The AWS calls a command makes (Cognito sign-in) are spans of SecureLambda.Aws's source.
            .AddSource(SecureLambda.Aws.Core.AwsDiagnostics.ActivitySourceName);

        // The same endpoint and key that Aspire hands every resource as OTEL_EXPORTER_OTLP_ENDPOINT/_HEADERS.
        // No dashboard (Aspire.Hosting.Testing, or the dashboard turned off): spans are made but not exported.
        var grpc = configuration["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] ?? configuration["DOTNET_DASHBOARD_OTLP_ENDPOINT_URL"];
        var http = configuration["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] ?? configuration["DOTNET_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"];
        var apiKey = configuration["AppHost:OtlpApiKey"];
        if (!string.IsNullOrEmpty(grpc) || !string.IsNullOrEmpty(http))
        {
            tracing.AddOtlpExporter(otlp =>
            {
                otlp.Protocol = string.IsNullOrEmpty(grpc) ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                otlp.Endpoint = string.IsNullOrEmpty(grpc) ? new Uri(new Uri(http!), "/v1/traces") : new Uri(grpc);
                // A click makes a handful of spans; export them as they end so the trace is complete at once.
                otlp.ExportProcessorType = ExportProcessorType.Simple;
                if (!string.IsNullOrEmpty(apiKey))
                {
                    otlp.Headers = $"x-otlp-api-key={apiKey}";
                }
            });
        }

        _provider = tracing.Build();
    }

    public void Dispose() => _provider.Dispose();
}
