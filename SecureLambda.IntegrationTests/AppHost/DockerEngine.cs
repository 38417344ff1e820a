using System.Net;
using System.Net.Sockets;

namespace SecureLambda.IntegrationTests.AppHost;

/// <summary>Whether a Docker engine answers here, found out cheaply: one ping, bounded to two seconds.</summary>
internal static class DockerEngine
{
    private const string DefaultSocket = "/var/run/docker.sock";
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Null when an engine answers <c>GET /_ping</c>; otherwise why not, for a skip reason.</summary>
    public static async Task<string?> WhyUnavailableAsync(CancellationToken cancellationToken)
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        Uri endpoint;
        if (string.IsNullOrEmpty(host))
        {
            if (!File.Exists(DefaultSocket))
            {
                return $"DOCKER_HOST is unset and {DefaultSocket} does not exist";
            }

            endpoint = new Uri($"unix://{DefaultSocket}");
        }
        else if (!Uri.TryCreate(host, UriKind.Absolute, out endpoint!))
        {
            return $"DOCKER_HOST={host} is not a URI";
        }

        var isUnix = endpoint.Scheme == "unix";
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var socket = isUnix
                    ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                    : new Socket(SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(isUnix ? new UnixDomainSocketEndPoint(endpoint.AbsolutePath) : new DnsEndPoint(endpoint.Host, endpoint.Port), token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var http = new HttpClient(handler) { Timeout = ProbeTimeout };
        try
        {
            using var response = await http.GetAsync(new Uri("http://docker/_ping"), cancellationToken);
            return response.IsSuccessStatusCode ? null : $"the Docker engine at {endpoint} answered /_ping with {(int)response.StatusCode}";
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or SocketException)
        {
            return $"no Docker engine answers at {endpoint} ({exception.GetBaseException().Message})";
        }
    }
}
