using System.Net.Http.Json;
using System.Text.Json;
using Amazon.SQS;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Lambda;
using SecureLambda.LocalCloud.Provisioning;
using SecureLambda.LocalCloud.Sns;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Lambda;

/// <summary>
/// The local Lambda alone (Runtime API, Invoke API, async delivery) on a free loopback port: only its own registration
/// and a hand-built data-plane model, no provisioning and no gateway.
/// </summary>
internal sealed class LocalLambdaHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly IReadOnlyList<LambdaFunctionDefinition> _functions;

    private LocalLambdaHost(WebApplication app, Uri address, IReadOnlyList<LambdaFunctionDefinition> functions)
    {
        _app = app;
        _functions = functions;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// The path prefix the function's process is given: the function's name or logical id, then its Runtime API secret
    /// (here the random one LocalCloud makes for a function without a configured secret).
    /// </summary>
    public string RuntimePrefix(string nameOrLogicalId)
    {
        var function = _functions.Single(f => f.LogicalId == nameOrLogicalId || f.FunctionName == nameOrLogicalId);
        return $"{nameOrLogicalId}/{_app.Services.GetRequiredService<RuntimeApiKeys>().SecretFor(function)}";
    }

    /// <summary>An HTTP client whose requests are signed with the account's credentials, as the AWS CLI signs them.</summary>
    public HttpClient SignedClient() => SigV4SigningHandler.Client(Address);

    /// <summary>SNS's hand-over to Lambda, as the AWS endpoint makes it once the engine accepted a publish.</summary>
    public SnsLambdaDelivery Sns => _app.Services.GetRequiredService<SnsLambdaDelivery>();

    /// <param name="eventQueuePath">The file of Lambda's asynchronous event queue; null keeps it in memory.</param>
    /// <param name="publishDataPlane">False leaves the data plane unpublished, as while the stack is still provisioned.</param>
    /// <param name="standardOutput">LocalCloud's standard output, for the environments' lines; the console by default.</param>
    public static async Task<LocalLambdaHost> StartAsync(
        IEnumerable<LambdaFunctionDefinition> functions,
        IAmazonSQS? sqs = null,
        IEnumerable<SnsLambdaRoute>? subscriptions = null,
        string? eventQueuePath = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        bool publishDataPlane = true,
        TextWriter? standardOutput = null)
    {
        var definitions = functions.ToList();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["LocalCloud:Lambda:AsyncRetryDelay"] = "00:00:00",
            ["LocalCloud:Lambda:EventQueuePath"] = eventQueuePath,
            ["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretAccessKey,
            ["AWS_REGION"] = MotoServer.Region,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        if (sqs is not null)
        {
            builder.Services.AddSingleton(sqs);
        }
        else
        {
            builder.Services.AddSingleton<IAmazonSQS>(_ => new AmazonSQSClient(new AmazonSQSConfig { ServiceURL = "http://127.0.0.1:9" }));
        }

        if (standardOutput is not null)
        {
            builder.Services.AddSingleton(new ExecutionEnvironmentsConsole(standardOutput));
        }

        builder.Services.AddLocalLambda();
        builder.Services.AddSingleton<SnsLambdaDelivery>();
        var app = builder.Build();
        app.MapLambdaRuntimeApi();
        app.MapLambdaInvokeApi();
        if (publishDataPlane)
        {
            app.Services.GetRequiredService<DataPlaneState>().Publish(new DataPlaneModel([], definitions, subscriptions ?? []));
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new LocalLambdaHost(app, new Uri(address), definitions);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// A function process reduced to its Runtime API loop: it polls <c>/{prefix}/2018-06-01/runtime/invocation/next</c>
/// and answers each event with what the handler returns (null posts an error), counting the events it saw.
/// </summary>
public sealed class TestRuntime : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _events;

    public TestRuntime(Uri host, string prefix, Func<JsonElement, string?> handler)
    {
        _http.BaseAddress = new Uri(host, $"{prefix}/2018-06-01/runtime/");
        _loop = RunAsync(handler);
    }

    public int Events => Volatile.Read(ref _events);

    public List<JsonElement> Received { get; } = [];

    public List<(string Name, string Value)> LastHeaders { get; } = [];

    private async Task RunAsync(Func<JsonElement, string?> handler)
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpResponseMessage next;
            try
            {
                next = await _http.GetAsync(new Uri("invocation/next", UriKind.Relative), _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using (next)
            {
                var requestId = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single();
                lock (LastHeaders)
                {
                    LastHeaders.Clear();
                    LastHeaders.AddRange(next.Headers.Select(h => (h.Key, string.Join(',', h.Value))));
                }

                var payload = JsonDocument.Parse(await next.Content.ReadAsStringAsync()).RootElement.Clone();
                lock (Received)
                {
                    Received.Add(payload);
                }

                Interlocked.Increment(ref _events);
                var answer = handler(payload);
                using var post = answer is null
                    ? await _http.PostAsJsonAsync(new Uri($"invocation/{requestId}/error", UriKind.Relative), new { errorMessage = "handler failed", errorType = "TestFailure", stackTrace = Array.Empty<string>() })
                    : await _http.PostAsync(new Uri($"invocation/{requestId}/response", UriKind.Relative), new StringContent(answer));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _http.Dispose();
        _stop.Dispose();
    }
}
