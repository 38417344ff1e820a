using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SecureLambda.LocalCloud.Tests.Lambda;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.ApiGateway;

/// <summary>
/// The whole LocalCloud app (Program) on a real port, against its own moto, provisioned from the production template
/// with the given settings; two stand-in function processes answer for the external functions and record their events.
/// The clock is a fake that starts at the real time, so tests can expire tokens and refill buckets at will.
/// </summary>
public class LocalCloudApp : IAsyncLifetime
{
    public const string User1 = "user1@example.com";
    public const string User2 = "user2@example.com";
    public const string Password = "Correct-Horse-Battery-9";

    private readonly Dictionary<string, string?> _settings;
    private WebApplicationFactory<Program>? _factory;
    private TestRuntime? _lambda1;
    private TestRuntime? _lambda2;

    public LocalCloudApp()
        : this([])
    {
    }

    protected LocalCloudApp(Dictionary<string, string?> settings) => _settings = settings;

    public MotoServer Moto { get; private set; } = null!;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public HttpClient Http { get; private set; } = null!;

    public JsonElement Outputs { get; private set; }

    public TestRuntime Lambda1 => _lambda1!;

    public TestRuntime Lambda2 => _lambda2!;

    public async ValueTask InitializeAsync()
    {
        Moto = await MotoServer.StartAsync();
        var outputsFile = Path.Combine(Path.GetTempPath(), $"localcloud-outputs-{Guid.NewGuid():N}.json");
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (name, value) in Moto.ClientEnvironment)
            {
                web.UseSetting(name, value);
            }

            web.UseSetting("LocalCloud:OutputsFile", outputsFile);
            web.UseSetting("LocalCloud:DevUsers:0:Password", Password);
            web.UseSetting("LocalCloud:DevUsers:1:Password", Password);
            web.UseSetting("LocalCloud:Lambda:AsyncRetryDelay", "00:00:00");
            foreach (var (name, value) in _settings)
            {
                web.UseSetting(name, value);
            }

            web.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
        });
        _factory.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        _factory.StartServer();
        var address = new Uri(_factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        Http = new HttpClient { BaseAddress = address };

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            using var response = await Http.GetAsync(new Uri("/_localcloud/outputs", UriKind.Relative), deadline.Token);
            if (response.IsSuccessStatusCode)
            {
                Outputs = (await response.Content.ReadFromJsonAsync<JsonElement>(deadline.Token)).GetProperty("Outputs");
                break;
            }

            // 503 while provisioning runs: ask again (each answer is a round trip, so the loop paces itself).
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        _lambda1 = new TestRuntime(address, "ExternalLambda1", Echo);
        _lambda2 = new TestRuntime(address, "ExternalLambda2", Echo);
    }

    /// <summary>A real ID (or access) token for a dev user, from the engine's Cognito with the AWS CLI.</summary>
    public async Task<string> SignInAsync(string user, string clientOutput, string tokenName = "IdToken")
    {
        var result = await Moto.AwsCliAsync("cognito-idp", "initiate-auth", "--auth-flow", "USER_PASSWORD_AUTH",
            "--client-id", Outputs.GetProperty(clientOutput).GetString()!, "--auth-parameters", $"USERNAME={user},PASSWORD={Password}");
        return result!.Value.GetProperty("AuthenticationResult").GetProperty(tokenName).GetString()!;
    }

    public async Task<HttpResponseMessage> PostAsync(string path, string? token, string body = "{\"name\":\"Ada\"}", string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", token);
        }

        if (forwardedFor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        return await Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_lambda1 is not null)
        {
            await _lambda1.DisposeAsync();
        }

        if (_lambda2 is not null)
        {
            await _lambda2.DisposeAsync();
        }

        Http?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await Moto.DisposeAsync();
    }

    /// <summary>A proxy response whose body is the event the function received.</summary>
    private static string Echo(JsonElement proxyEvent) => JsonSerializer.Serialize(new
    {
        statusCode = 200,
        headers = new Dictionary<string, string> { ["Content-Type"] = "application/json", ["X-Echo"] = "yes" },
        body = proxyEvent.GetRawText(),
    });
}
