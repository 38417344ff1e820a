using System.Net;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SecureLambda.LocalCloud.Hosting;

/// <summary>
/// LocalCloud answers only to the names of this machine's loopback (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>)
/// and the names in <c>LocalCloud:AllowedHosts</c>, so that a web page cannot reach it through a name it controls
/// (DNS rebinding: <c>evil.example</c> resolving to 127.0.0.1 gets 400). It adds no CORS headers: the template declares
/// no CORS, so no other origin may read its answers.
/// </summary>
public static class LoopbackHostingExtensions
{
    public const string AllowedHostsKey = "LocalCloud:AllowedHosts";

    public static readonly IReadOnlyList<string> LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    public static IServiceCollection AddLoopbackHosting(this IServiceCollection services, IConfiguration configuration)
    {
        var configured = (configuration[AllowedHostsKey] ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        services.AddHostFiltering(_ => { });
        services.PostConfigure<HostFilteringOptions>(options =>
        {
            options.AllowedHosts = [.. LoopbackHosts, .. configured];
            options.AllowEmptyHosts = false;
            options.IncludeFailureMessage = false;
        });
        services.AddHostedService<ListeningAddressCheck>();
        return services;
    }

    /// <summary>Whether a Kestrel address (<c>http://localhost:4567</c>, <c>http://0.0.0.0:80</c>, <c>http://+:80</c>) is loopback only.</summary>
    public static bool IsLoopback(string address)
    {
        var separator = address.IndexOf("://", StringComparison.Ordinal);
        var authority = separator < 0 ? address : address[(separator + 3)..];
        var slash = authority.IndexOf('/', StringComparison.Ordinal);
        authority = slash < 0 ? authority : authority[..slash];
        var host = authority.StartsWith('[')
            ? authority[1..Math.Max(1, authority.IndexOf(']', StringComparison.Ordinal))]
            : authority.Split(':')[0];
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}

/// <summary>Once Kestrel listens, warns loudly for every address beyond loopback (configured on purpose, or by mistake).</summary>
internal sealed partial class ListeningAddressCheck(IServer server, IHostApplicationLifetime lifetime, ILogger<ListeningAddressCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            {
                if (!LoopbackHostingExtensions.IsLoopback(address))
                {
                    LogBeyondLoopback(address);
                }
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Critical, Message = "LocalCloud listens on {Address}, beyond loopback: other machines can reach its gateway, Invoke API and Runtime API. Listen on http://localhost:<port> unless that is what you want")]
    private partial void LogBeyondLoopback(string address);
}
