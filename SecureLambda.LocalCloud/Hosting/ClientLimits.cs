using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SecureLambda.LocalCloud.Hosting;

/// <summary>Limits on what a client may hold (section <c>LocalCloud:ClientLimits</c>).</summary>
public sealed class ClientLimitsOptions
{
    public const string Section = "LocalCloud:ClientLimits";

    /// <summary>The longest a client may take to send its request line and headers before the connection is closed.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The slowest body upload accepted (after a short grace period): 10 MB then takes at most about 11 minutes.</summary>
    public double MinimumBodyBytesPerSecond { get; set; } = 16 * 1024;
}

/// <summary>
/// Kestrel held to API Gateway's limits: no body beyond <c>maxBodyBytes</c> (the gateway's 10 MB payload limit, the
/// largest any LocalCloud endpoint takes) is read at all, and a slow client
/// (headers dribbled in, a body trickled) is cut off in bounded time instead of holding a connection for ever.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html
/// </summary>
public static class ClientLimitsExtensions
{
    public static IServiceCollection AddClientLimits(this IServiceCollection services, IConfiguration configuration, int maxBodyBytes)
    {
        var limits = configuration.GetSection(ClientLimitsOptions.Section).Get<ClientLimitsOptions>() ?? new ClientLimitsOptions();
        services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = maxBodyBytes;
            kestrel.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinimumBodyBytesPerSecond, TimeSpan.FromSeconds(5));
            kestrel.AddServerHeader = false;
        });
        return services;
    }
}
