using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SecureLambda.LocalCloud.Diagnostics;

/// <summary>
/// The one ActivitySource and Meter of LocalCloud. Every gateway step is a span of this source, and every gateway
/// decision (WAF rule, throttle, authorizer result) is a span attribute and a counter of this meter, so they show in
/// the Aspire dashboard (ServiceDefaults subscribes to <c>SecureLambda.*</c>).
/// </summary>
public static class LocalCloudTelemetry
{
    public const string Name = "SecureLambda.LocalCloud";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);
}
