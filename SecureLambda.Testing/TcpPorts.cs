using System.Net;
using System.Net.Sockets;

namespace SecureLambda.Testing;

/// <summary>Loopback ports for servers whose port must be known before they start (moto, LocalCloud's AWS endpoint, an AppHost).</summary>
public static class TcpPorts
{
    /// <summary>A port the system just handed out and took back: free now, and not handed out again soon.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
