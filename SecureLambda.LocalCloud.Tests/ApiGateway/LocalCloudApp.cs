using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SecureLambda.LocalCloud.Tests.Lambda;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.ApiGateway;

/// <summary>
/// The whole LocalCloud app against its own moto, provisioned from the production template with the given settings;
/// two stand-in function processes answer for the external functions with the event they received. The clock is a fake
/// that starts at the real time, so tests can expire tokens and refill buckets at will.
/// </summary>
public class LocalCloudApp : IAsyncLifetime
{
    public const string User1 = LocalCloudServer.User1;
    public const string User2 = LocalCloudServer.User2;

    private readonly Dictionary<string, string?> _settings;
    private MotoServer? _moto;
    private LocalCloudServer<Program>? _server;
    private TestRuntime? _lambda1;
    private TestRuntime? _lambda2;

    public LocalCloudApp()
        : this([])
    {
    }

    protected LocalCloudApp(Dictionary<string, string?> settings) => _settings = settings;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public HttpClient Http => _server!.Http;

    public JsonElement Outputs => _server!.Outputs;

    public TestRuntime Lambda1 => _lambda1!;

    public TestRuntime Lambda2 => _lambda2!;

    public async ValueTask InitializeAsync()
    {
        _moto = await MotoServer.StartAsync();
        _server = await LocalCloudServer.StartAsync<Program>(_moto, _settings, services => services.AddSingleton<TimeProvider>(Clock));
        _lambda1 = new TestRuntime(_server.Address, RuntimePrefix("ExternalLambda1"), Echo);
        _lambda2 = new TestRuntime(_server.Address, RuntimePrefix("ExternalLambda2"), Echo);
    }

    /// <summary>The path prefix a function's process is given: its logical id and Runtime API secret.</summary>
    public string RuntimePrefix(string logicalId) => $"{logicalId}/{_server!.RuntimeApiSecrets[logicalId]}";

    public Uri Address => _server!.Address;

    /// <summary>The stack's AWS endpoint: the Lambda API, and every other service in front of the engine.</summary>
    public Uri AwsEndpoint => _server!.AwsEndpoint;

    public LocalCloudServer<Program> Server => _server!;

    public Task<string> SignInAsync(string user, string clientOutput, string tokenName = "IdToken") =>
        _server!.SignInAsync(user, clientOutput, tokenName);

    public Task<HttpResponseMessage> PostAsync(
        string path, string? token, string body = "{\"name\":\"Ada\"}", string? forwardedFor = null, string? apiKey = LocalCloudServer.ClientApp1Key) =>
        _server!.PostAsync(path, token, body, forwardedFor, apiKey);

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        foreach (IAsyncDisposable? owned in (IAsyncDisposable?[])[_lambda1, _lambda2, _server, _moto])
        {
            if (owned is not null)
            {
                await owned.DisposeAsync();
            }
        }
    }

    /// <summary>A proxy response whose body is the event the function received.</summary>
    private static string Echo(JsonElement proxyEvent) => JsonSerializer.Serialize(new
    {
        statusCode = 200,
        headers = new Dictionary<string, string> { ["Content-Type"] = "application/json", ["X-Echo"] = "yes" },
        body = proxyEvent.GetRawText(),
    });
}
