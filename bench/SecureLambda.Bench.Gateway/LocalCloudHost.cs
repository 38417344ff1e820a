using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SecureLambda.Testing;

namespace SecureLambda.Bench.Gateway;

/// <summary>
/// The whole LocalCloud app (<c>Program</c>) in this process on a loopback port, against its own moto, provisioned from
/// the production template with the given parameter overrides; Production environment, logging at Warning.
/// (Same hosting as the tests' LocalCloudApp, with the real clock.)
/// </summary>
internal sealed class LocalCloudHost : IAsyncDisposable
{
    public const string User1 = "user1@example.com";
    public const string Password = "Correct-Horse-Battery-9";

    /// <summary>ExternalLambda1's Runtime API secret for this run: the pollers stand in for its process.</summary>
    public static readonly string RuntimeApiSecret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    private readonly WebApplicationFactory<Program> _factory;

    private LocalCloudHost(MotoServer moto, WebApplicationFactory<Program> factory, Uri address, JsonElement outputs)
    {
        Moto = moto;
        _factory = factory;
        Address = address;
        Outputs = outputs;
    }

    public MotoServer Moto { get; }

    public Uri Address { get; }

    public JsonElement Outputs { get; }

    public static async Task<LocalCloudHost> StartAsync(IReadOnlyDictionary<string, string> parameters)
    {
        var moto = await MotoServer.StartAsync();
        var settings = new Dictionary<string, string?>(moto.ClientEnvironment.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)))
        {
            ["LocalCloud:OutputsFile"] = Path.Combine(Path.GetTempPath(), $"localcloud-bench-outputs-{Guid.NewGuid():N}.json"),
            ["LocalCloud:DevUsers:0:Password"] = Password,
            ["LocalCloud:DevUsers:1:Password"] = Password,
            ["LocalCloud:Lambda:RuntimeApiSecrets:ExternalLambda1"] = RuntimeApiSecret,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        };
        foreach (var (name, value) in parameters)
        {
            settings[$"LocalCloud:Parameters:{name}"] = value;
        }

        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            foreach (var (name, value) in settings)
            {
                web.UseSetting(name, value);
            }

            // Also as the last configuration source, so appsettings.json (Logging:LogLevel:Default = Information) loses.
            web.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings));
        });
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        try
        {
            factory.StartServer();
            var address = new Uri(factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
            using var http = new HttpClient { BaseAddress = address };
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            while (true)
            {
                using var response = await http.GetAsync(new Uri("/_localcloud/outputs", UriKind.Relative), deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    var outputs = (await response.Content.ReadFromJsonAsync<JsonElement>(deadline.Token)).GetProperty("Outputs");
                    return new LocalCloudHost(moto, factory, address, outputs);
                }

                // 503 while provisioning runs; anything else is a failed start.
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    throw new InvalidOperationException(
                        $"/_localcloud/outputs answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(deadline.Token)}");
                }

                await Task.Delay(100, deadline.Token);
            }
        }
        catch
        {
            await factory.DisposeAsync();
            await moto.DisposeAsync();
            throw;
        }
    }

    /// <summary>A real ID token of the dev user of pool 1 (the authorizer of /lambda1), from moto's Cognito via the AWS CLI.</summary>
    public async Task<string> SignInAsync()
    {
        var result = await Moto.AwsCliAsync("cognito-idp", "initiate-auth", "--auth-flow", "USER_PASSWORD_AUTH",
            "--client-id", Outputs.GetProperty("UserPool1ClientId").GetString()!, "--auth-parameters", AwsCli.AuthParameters(User1, Password));
        return result!.Value.GetProperty("AuthenticationResult").GetProperty("IdToken").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await Moto.DisposeAsync();
    }
}
