using System.Diagnostics;
using System.Net;
using System.Text.Json;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Xunit;

namespace SecureLambda.Testing;

/// <summary>
/// A moto server on a loopback port, plus the AWS CLI pointed at it: a <c>moto_server</c> process (<see cref="StartAsync"/>),
/// or a container of a moto image that Testcontainers runs (<see cref="StartInContainerAsync"/>). Tests that need the
/// process fail (never skip) when it is missing, with the command that installs it.
/// </summary>
public sealed class MotoServer : IAsyncDisposable
{
    public const string Region = "us-east-1";
    public const string AccessKeyId = "testing";
    public const string SecretAccessKey = "testing";
    public const string InstallHint = "moto_server is not on PATH. Install it with: pip install \"moto[server]\"";

    /// <summary>
    /// Where the engine's <c>sitecustomize.py</c> is copied (from SecureLambda.AppHost/moto): the same start-up
    /// customisation as the AppHost's moto_server, so tests and benchmarks measure the engine the stack runs.
    /// </summary>
    public static readonly string SiteCustomizeDirectory = Path.Combine(AppContext.BaseDirectory, "moto");

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Func<string?> _whyStopped;
    private readonly Func<ValueTask> _stop;

    private MotoServer(Uri endpoint, Func<string?> whyStopped, Func<ValueTask> stop)
    {
        Endpoint = endpoint;
        _whyStopped = whyStopped;
        _stop = stop;
    }

    public Uri Endpoint { get; }

    /// <summary>The variables an AWS client needs to talk to this server, as a Lambda function would get them.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment => new Dictionary<string, string>
    {
        ["AWS_ENDPOINT_URL"] = Endpoint.ToString().TrimEnd('/'),
        ["AWS_REGION"] = Region,
        ["AWS_DEFAULT_REGION"] = Region,
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
    };

    public static async Task<MotoServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var executable = ExecutableSearch.FindOnPath("moto_server") ?? throw new InvalidOperationException(InstallHint);
        var port = TcpPorts.Free();
        var startInfo = new ProcessStartInfo(executable)
        {
            ArgumentList = { "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.Environment["PYTHONPATH"] = PythonPath.WithFirst(SiteCustomizeDirectory);
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {executable}.");
        // Drain its output so a chatty server never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new MotoServer(
            new Uri($"http://127.0.0.1:{port}/"),
            () => process.HasExited ? $"moto_server exited with code {process.ExitCode} before it was ready." : null,
            async () =>
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }

                process.Dispose();
            });
        return await ReadyAsync(server, cancellationToken);
    }

    /// <summary>
    /// Runs <c>aws --endpoint-url {this server} --output json ARGS</c> and returns the parsed output (null when it printed
    /// nothing). A non-zero exit throws with the CLI's error text.
    /// </summary>
    public async Task<JsonElement?> AwsCliAsync(params string[] args)
    {
        var output = await AwsCli.RunAsync(["--endpoint-url", Endpoint.ToString().TrimEnd('/'), .. args]);
        return output.ValueKind == JsonValueKind.Object && !output.EnumerateObject().Any() ? null : output;
    }

    /// <summary>Forgets every resource, so each test class can start from an empty account.</summary>
    public async Task ResetAsync()
    {
        using var http = new HttpClient { BaseAddress = Endpoint };
        using var response = await http.PostAsync(new Uri("moto-api/reset", UriKind.Relative), content: null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Runs <paramref name="image"/> (<c>motoserver/moto</c>, or the one <c>scripts/build-engine-image.sh</c> builds) with
    /// Testcontainers, its port published on loopback only when the engine is local, and waits for moto's health path.
    /// Check <see cref="DockerEngine.WhyImageUnavailableAsync"/> first: this throws when no engine or image is there.
    /// </summary>
    /// <param name="containerPort">The port moto listens on inside the image (the AppHost's <c>Engine.MotoContainerPort</c>).</param>
    public static async Task<MotoServer> StartInContainerAsync(string image, int containerPort, CancellationToken cancellationToken = default)
    {
        await DockerEngine.PrepareTestcontainersAsync(cancellationToken);
        var builder = new ContainerBuilder(image)
            .WithPortBinding(containerPort, assignRandomHostPort: true);
        if (DockerEngine.IsLocal)
        {
            // Testcontainers publishes on every interface; nothing off this machine has any business with the engine. Its
            // own host name for the container can be the bridge's gateway (when this process runs in a container), which a
            // loopback binding does not answer on, so readiness is this class's own probe of the loopback address below.
            builder = builder.WithCreateParameterModifier(parameters =>
            {
                foreach (var binding in parameters.HostConfig?.PortBindings?.Values.SelectMany(bindings => bindings) ?? [])
                {
                    binding.HostIP = "127.0.0.1";
                }
            });
        }

        var container = builder.Build();
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(StartTimeout);
            await container.StartAsync(deadline.Token);
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }

        var server = new MotoServer(
            new Uri($"http://{(DockerEngine.IsLocal ? "127.0.0.1" : container.Hostname)}:{container.GetMappedPublicPort(containerPort)}/"),
            () => container.State == TestcontainersStates.Running ? null : $"The {image} container is {container.State}.",
            container.DisposeAsync);
        return await ReadyAsync(server, cancellationToken);
    }

    public ValueTask DisposeAsync() => _stop();

    /// <summary>The server once moto answers its health path; stopped again when it never does.</summary>
    private static async Task<MotoServer> ReadyAsync(MotoServer server, CancellationToken cancellationToken)
    {
        try
        {
            await server.WaitUntilReadyAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Endpoint, Timeout = TimeSpan.FromSeconds(2) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartTimeout);
        while (true)
        {
            if (_whyStopped() is { } stopped)
            {
                throw new InvalidOperationException(stopped);
            }

            try
            {
                using var response = await http.GetAsync(new Uri("moto-api/", UriKind.Relative), deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
                // One probe timed out; the overall deadline has not.
            }

            // Poll, bounded by the deadline above: the server gives no other signal that it is ready.
            await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
        }
    }

}

/// <summary>One moto server for a whole test collection; starting it costs about a second.</summary>
public sealed class MotoServerFixture : IAsyncLifetime
{
    private MotoServer? _server;

    public MotoServer Server => _server ?? throw new InvalidOperationException("The fixture has not been initialized.");

    public async ValueTask InitializeAsync() => _server = await MotoServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
