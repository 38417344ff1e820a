using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Aspire service defaults: OpenTelemetry (logs, metrics, traces; exported over OTLP when configured),
/// health endpoints and service discovery.
/// </summary>
/// <remarks>
/// No HttpClient resilience handler: every HttpClient in these services carries AWS calls (the engine) or the JWKS fetch,
/// and SecureLambda.Aws's <c>AwsHttpInvoker</c> is their one retry layer, AWS standard mode
/// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html). A handler under it would turn one call
/// into up to 9 sends and resend calls that must not be repeated (Publish, AdminCreateUser).
/// </remarks>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";

    /// <summary>LocalCloud's own management API (<c>/_localcloud/…</c>), left out of the traces.</summary>
    public const string ManagementPathPrefix = "/_localcloud";
    public const string AlivenessEndpointPath = "/alive";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("SecureLambda.*"))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource("SecureLambda.*")
                .AddAspNetCoreInstrumentation(aspNetCore =>
                    aspNetCore.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath)
                        // A local emulator's management plane (the dashboard polls its stack view), not the product.
                        && !context.Request.Path.StartsWithSegments(ManagementPathPrefix))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check; the body names each failing check and why) and <c>/alive</c> (liveness only).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = WriteStatusAndReasons });
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("live"),
        });
        return app;
    }

    /// <summary>
    /// <c>Healthy</c>, or the status followed by each failing check and its description, for example
    /// <c>Unhealthy (engine-state: The engine is unreachable …)</c>. The descriptions are the checks' own words, which
    /// carry no secret; the exceptions behind them stay in the log.
    /// </summary>
    internal static Task WriteStatusAndReasons(HttpContext context, HealthReport report)
    {
        var reasons = report.Entries
            .Where(entry => entry.Value.Status != HealthStatus.Healthy)
            .Select(entry => $"{entry.Key}: {entry.Value.Description ?? entry.Value.Status.ToString()}")
            .ToList();
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(reasons.Count == 0 ? report.Status.ToString() : $"{report.Status} ({string.Join("; ", reasons)})");
    }
}
