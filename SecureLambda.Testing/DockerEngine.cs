using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DotNet.Testcontainers.Configurations;

namespace SecureLambda.Testing;

/// <summary>
/// The Docker engine that the container tests run on, asked through its HTTP API on the socket <c>DOCKER_HOST</c> names
/// (or the default one): does it answer, and is an image present or can it be pulled? Each answer is null when a test
/// can go on, or the reason it can't, for a skip message that says what is missing.
/// </summary>
public static class DockerEngine
{
    private const string DefaultSocket = "/var/run/docker.sock";
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PullTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RegistryTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The Docker API version that Testcontainers 4.16's client speaks unless told otherwise.</summary>
    private static readonly Version TestcontainersApiVersion = new(1, 44);

    private static readonly Lock PrepareLock = new();
    private static Task? _prepared;

    /// <summary>Whether the engine runs on this machine (its socket, not a remote <c>tcp://</c> host), so that loopback reaches what it publishes.</summary>
    public static bool IsLocal => ResolveEndpoint(out _).Scheme == "unix";

    /// <summary>Null when an engine answers <c>GET /_ping</c> within two seconds; otherwise why not.</summary>
    public static async Task<string?> WhyUnavailableAsync(CancellationToken cancellationToken)
    {
        if (Open(ProbeTimeout, out var http, out var endpoint) is { } problem)
        {
            return problem;
        }

        using (http)
        {
            try
            {
                using var response = await http!.GetAsync(new Uri("/_ping", UriKind.Relative), cancellationToken);
                return response.IsSuccessStatusCode ? null : $"the Docker engine at {endpoint} answered /_ping with {(int)response.StatusCode}";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or SocketException)
            {
                return $"no Docker engine answers at {endpoint} ({exception.GetBaseException().Message})";
            }
        }
    }

    /// <summary>
    /// Null when the engine answers and has <paramref name="image"/>, pulling it first when it is missing (as
    /// <c>docker run</c> would); otherwise why it can't be had, such as the engine's own words when no registry is
    /// reachable.
    /// </summary>
    public static async Task<string?> WhyImageUnavailableAsync(string image, CancellationToken cancellationToken)
    {
        if (await WhyUnavailableAsync(cancellationToken) is { } reason)
        {
            return reason;
        }

        if (Open(PullTimeout, out var http, out var endpoint) is { } problem)
        {
            return problem;
        }

        using (http)
        {
            try
            {
                if (await IsPresentAsync(http!, image, cancellationToken))
                {
                    return null;
                }

                // https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Image/operation/ImageCreate: the reply
                // streams progress lines, and a failure is either an error status or a line with "error" in it.
                var (repository, tag) = Split(image);
                var query = $"/images/create?fromImage={Uri.EscapeDataString(repository)}" + (tag is null ? string.Empty : $"&tag={Uri.EscapeDataString(tag)}");
                using var pull = await http!.PostAsync(new Uri(query, UriKind.Relative), content: null, cancellationToken);
                var body = await pull.Content.ReadAsStringAsync(cancellationToken);
                if (await IsPresentAsync(http, image, cancellationToken))
                {
                    return null;
                }

                return $"{image} is not on the Docker engine at {endpoint} and could not be pulled ({ErrorIn(body) ?? $"{(int)pull.StatusCode} {pull.ReasonPhrase}"})";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or SocketException)
            {
                return $"the Docker engine at {endpoint} did not answer about {image} ({exception.GetBaseException().Message})";
            }
        }
    }

    /// <summary>
    /// The host addresses on which running containers of <paramref name="image"/> publish their ports (<c>docker ps</c>'s
    /// PORTS column), such as <c>127.0.0.1:4566</c>, or <c>0.0.0.0:32768</c> for a port every network can reach.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PublishedAddressesAsync(string image, CancellationToken cancellationToken)
    {
        if (Open(ProbeTimeout, out var http, out var endpoint) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        using (http)
        {
            var filters = Uri.EscapeDataString(JsonSerializer.Serialize(new Dictionary<string, string[]> { ["ancestor"] = [image], ["status"] = ["running"] }));
            using var containers = JsonDocument.Parse(await http!.GetStringAsync(new Uri($"/containers/json?filters={filters}", UriKind.Relative), cancellationToken));
            return [.. containers.RootElement.EnumerateArray()
                .SelectMany(container => container.GetProperty("Ports").EnumerateArray())
                .Where(port => port.TryGetProperty("PublicPort", out _))
                .Select(port => $"{(port.TryGetProperty("IP", out var ip) ? ip.GetString() : "?")}:{port.GetProperty("PublicPort").GetInt32()}")];
        }
    }

    /// <summary>
    /// Fits Testcontainers to this engine, once per process and before its first use:
    /// <list type="bullet">
    /// <item>An engine older than Testcontainers' client (Debian bookworm's Docker 20.10 speaks API 1.41) refuses it with
    /// "client version 1.44 is too new", so the engine's own version is pinned with <c>DOCKER_API_VERSION</c>, as the
    /// Docker CLI negotiates, unless that variable is already set.</item>
    /// <item>Testcontainers' resource reaper (Ryuk), which removes what a crashed test process left behind, is an image
    /// from Docker Hub. Where the engine can't reach Docker Hub (as on our CI machines), it is turned off, and each
    /// container is removed by its owner's <c>DisposeAsync</c> alone.</item>
    /// </list>
    /// </summary>
    public static Task PrepareTestcontainersAsync(CancellationToken cancellationToken)
    {
        lock (PrepareLock)
        {
            // Shared by every caller, so not cancelled by the first one's token; each probe has its own timeout.
            return (_prepared ??= PrepareAsync(CancellationToken.None)).WaitAsync(cancellationToken);
        }
    }

    private static async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("DOCKER_API_VERSION") is not { Length: > 0 }
            && await AskAsync(ProbeTimeout, "/version", cancellationToken) is { IsSuccessStatusCode: true } answer)
        {
            using (answer)
            {
                using var version = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(cancellationToken));
                if (Version.TryParse(version.RootElement.GetProperty("ApiVersion").GetString(), out var engine) && engine < TestcontainersApiVersion)
                {
                    Environment.SetEnvironmentVariable("DOCKER_API_VERSION", engine.ToString());
                }
            }
        }

        // https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Distribution: the engine asks the registry for
        // the image's manifest, and pulls nothing. No answer, or an error, means no Docker Hub from here.
        if (TestcontainersSettings.ResourceReaperEnabled)
        {
            using var registry = await AskAsync(RegistryTimeout, "/distribution/testcontainers/ryuk/json", cancellationToken);
            if (registry is not { IsSuccessStatusCode: true })
            {
                TestcontainersSettings.ResourceReaperEnabled = false;
            }
        }
    }

    /// <summary>The engine's answer to <c>GET <paramref name="path"/></c>, or null when it gives none in time.</summary>
    private static async Task<HttpResponseMessage?> AskAsync(TimeSpan timeout, string path, CancellationToken cancellationToken)
    {
        if (Open(timeout, out var http, out _) is not null)
        {
            return null;
        }

        using (http)
        {
            try
            {
                // Buffered, so that the answer outlives the client.
                return await http!.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseContentRead, cancellationToken);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or SocketException)
            {
                return null;
            }
        }
    }

    private static async Task<bool> IsPresentAsync(HttpClient http, string image, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"/images/{image}/json", UriKind.Relative), cancellationToken);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary><c>name[:tag]</c>, where a colon before the last slash belongs to a registry's port.</summary>
    private static (string Repository, string? Tag) Split(string image)
    {
        if (image.Contains('@', StringComparison.Ordinal))
        {
            return (image, null);
        }

        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..]) : (image, null);
    }

    private static string? ErrorIn(string body)
    {
        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                foreach (var name in (ReadOnlySpan<string>)["error", "message"])
                {
                    if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var error) && error.GetString() is { Length: > 0 } text)
                    {
                        return text;
                    }
                }
            }
            catch (JsonException)
            {
                // Not a JSON line; the engine's other lines say what went wrong.
            }
        }

        return null;
    }

    /// <summary>The engine <c>DOCKER_HOST</c> names, else the default socket; <paramref name="problem"/> says why it can't be used.</summary>
    private static Uri ResolveEndpoint(out string? problem)
    {
        problem = null;
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (string.IsNullOrEmpty(host))
        {
            if (!File.Exists(DefaultSocket))
            {
                problem = $"DOCKER_HOST is unset and {DefaultSocket} does not exist";
            }

            return new Uri($"unix://{DefaultSocket}");
        }

        if (Uri.TryCreate(host, UriKind.Absolute, out var endpoint))
        {
            return endpoint;
        }

        problem = $"DOCKER_HOST={host} is not a URI";
        return new Uri("unix:///");
    }

    /// <summary>An HTTP client on the engine's socket, or why there is none.</summary>
    private static string? Open(TimeSpan timeout, out HttpClient? http, out Uri endpoint)
    {
        http = null;
        endpoint = ResolveEndpoint(out var problem);
        if (problem is not null)
        {
            return problem;
        }

        var target = endpoint;
        var isUnix = target.Scheme == "unix";
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var socket = isUnix
                    ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                    : new Socket(SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(isUnix ? new UnixDomainSocketEndPoint(target.AbsolutePath) : new DnsEndPoint(target.Host, target.Port), token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        http = new HttpClient(handler, disposeHandler: true) { BaseAddress = new Uri("http://docker/"), Timeout = timeout };
        return null;
    }
}
