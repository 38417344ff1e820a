using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SecureLambda.Aws.Core;

namespace SecureLambda.Testing;

/// <summary>
/// LocalCloud (its <c>Program</c>, given as <typeparamref name="TProgram"/> so this library needs no reference to it) on a
/// real loopback port against a moto server, provisioned from the production template, with both dev users' password
/// set to <see cref="DevPassword"/>. Ready once <c>/_localcloud/outputs</c> answers. The tests and the benchmarks host
/// LocalCloud this one way.
/// </summary>
public sealed class LocalCloudServer<TProgram> : IAsyncDisposable
    where TProgram : class
{
    private readonly WebApplicationFactory<TProgram> _factory;

    private LocalCloudServer(
        WebApplicationFactory<TProgram> factory,
        Uri address,
        Uri awsEndpoint,
        IReadOnlyDictionary<string, string> runtimeApiSecrets,
        IReadOnlyDictionary<string, AwsCredentials> functionCredentials)
    {
        RuntimeApiSecrets = runtimeApiSecrets;
        FunctionCredentials = functionCredentials;
        _factory = factory;
        Address = address;
        AwsEndpoint = awsEndpoint;
        HttpWithoutApiKey = new HttpClient { BaseAddress = address };
        Http = new HttpClient { BaseAddress = address };

        // Like every real client; the web ACL's core rule set blocks a request without one (NoUserAgent_HEADER).
        HttpWithoutApiKey.DefaultRequestHeaders.UserAgent.ParseAdd("SecureLambda.Testing/1.0");
        Http.DefaultRequestHeaders.UserAgent.ParseAdd("SecureLambda.Testing/1.0");

        // As client app 1 calls the API; a request's own x-api-key replaces it.
        Http.DefaultRequestHeaders.TryAddWithoutValidation("x-api-key", LocalCloudServer.ClientApp1Key);
    }

    /// <summary>The API host: the stages, the Runtime API and LocalCloud's own views.</summary>
    public Uri Address { get; }

    /// <summary>The stack's AWS endpoint, in front of the engine: the Lambda API, and every other service forwarded.</summary>
    public Uri AwsEndpoint { get; }

    /// <summary>Each function's role-session credentials, which this server set (<c>LocalCloud:Lambda:Credentials</c>).</summary>
    public IReadOnlyDictionary<string, AwsCredentials> FunctionCredentials { get; }

    /// <summary>The environment a function process needs to call AWS as its role, through <see cref="AwsEndpoint"/>.</summary>
    public IReadOnlyDictionary<string, string> AwsEnvironmentFor(string logicalId) => new Dictionary<string, string>
    {
        ["AWS_ENDPOINT_URL"] = AwsEndpoint.ToString().TrimEnd('/'),
        ["AWS_REGION"] = MotoServer.Region,
        ["AWS_DEFAULT_REGION"] = MotoServer.Region,
        ["AWS_ACCESS_KEY_ID"] = FunctionCredentials[logicalId].AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = FunctionCredentials[logicalId].SecretAccessKey,
        ["AWS_SESSION_TOKEN"] = FunctionCredentials[logicalId].SessionToken!,
    };

    /// <summary>The Runtime API's host and port, without any function's prefix: what an outsider knows.</summary>
    public string RuntimeApiHost => $"{Address.Host}:{Address.Port}";

    /// <summary>
    /// The value for a function process's <c>AWS_LAMBDA_RUNTIME_API</c>: host, port, the function's logical id and its
    /// Runtime API secret, which this server set (<c>LocalCloud:Lambda:RuntimeApiSecrets</c>) and hands only to it.
    /// </summary>
    public string RuntimeApiFor(string logicalId) => $"{RuntimeApiHost}/{logicalId}/{RuntimeApiSecrets[logicalId]}";

    /// <summary>Each of the template's functions' Runtime API secret, fresh for every server.</summary>
    public IReadOnlyDictionary<string, string> RuntimeApiSecrets { get; }

    /// <summary>A client of the API host that sends client app 1's API key (<see cref="LocalCloudServer.ClientApp1Key"/>) with every request.</summary>
    public HttpClient Http { get; }

    /// <summary>A client of the API host that sends no API key.</summary>
    public HttpClient HttpWithoutApiKey { get; }

    /// <summary>The stack's Outputs, as <c>GET /_localcloud/outputs</c> serves them.</summary>
    public JsonElement Outputs { get; private set; }

    public IServiceProvider Services => _factory.Services;

    internal static async Task<LocalCloudServer<TProgram>> StartAsync(
        MotoServer moto,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null,
        string? environment = null)
    {
        var outputsFile = Path.Combine(Path.GetTempPath(), $"localcloud-outputs-{Guid.NewGuid():N}.json");
        var secrets = LocalCloudServer.FunctionLogicalIds
            .ToDictionary(id => id, _ => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), StringComparer.Ordinal);
        var credentials = LocalCloudServer.FunctionLogicalIds.ToDictionary(id => id, _ => AwsCredentials.NewTemporary(), StringComparer.Ordinal);
        var awsPort = TcpPorts.Free();
        var factory = new WebApplicationFactory<TProgram>().WithWebHostBuilder(web =>
        {
            foreach (var (id, secret) in secrets)
            {
                web.UseSetting($"LocalCloud:Lambda:RuntimeApiSecrets:{id}", secret);
            }

            foreach (var (id, session) in credentials)
            {
                web.UseSetting($"LocalCloud:Lambda:Credentials:{id}:AccessKeyId", session.AccessKeyId);
                web.UseSetting($"LocalCloud:Lambda:Credentials:{id}:SecretAccessKey", session.SecretAccessKey);
                web.UseSetting($"LocalCloud:Lambda:Credentials:{id}:SessionToken", session.SessionToken);
            }

            web.UseSetting("LocalCloud:AwsEndpoint:Port", awsPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

            foreach (var (name, value) in moto.ClientEnvironment)
            {
                web.UseSetting(name, value);
            }

            web.UseSetting("LocalCloud:OutputsFile", outputsFile);
            web.UseSetting("LocalCloud:DevUsers:0:Password", LocalCloudServer.DevPassword);
            web.UseSetting("LocalCloud:DevUsers:1:Password", LocalCloudServer.DevPassword);
            web.UseSetting("LocalCloud:Lambda:AsyncRetryDelay", "00:00:00");
            web.UseSetting("LocalCloud:ApiKeyValues:ClientApp1ApiKey", LocalCloudServer.ClientApp1Key);
            web.UseSetting("LocalCloud:ApiKeyValues:ClientApp2ApiKey", LocalCloudServer.ClientApp2Key);
            if (environment is not null)
            {
                web.UseEnvironment(environment);
            }

            foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
            {
                web.UseSetting(name, value);
            }

            // Also as the last configuration source, so that appsettings.json (for example its Logging levels) loses.
            if (settings is not null)
            {
                web.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings));
            }

            if (configureServices is not null)
            {
                web.ConfigureServices(configureServices);
            }
        });
        factory.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, awsPort);
        });
        factory.StartServer();
        var addresses = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Select(address => new Uri(address)).ToList();
        var server = new LocalCloudServer<TProgram>(
            factory, addresses.First(address => address.Port != awsPort), addresses.Single(address => address.Port == awsPort), secrets, credentials);
        try
        {
            await server.WaitForOutputsAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>A real ID (or access) token for a dev user, from the engine's Cognito with the AWS CLI, through the AWS endpoint.</summary>
    public async Task<string> SignInAsync(string user, string clientOutput, string tokenName = "IdToken")
    {
        var result = await AwsCli.RunAsync("--endpoint-url", AwsEndpoint.ToString().TrimEnd('/'), "cognito-idp", "initiate-auth", "--auth-flow", "USER_PASSWORD_AUTH",
            "--client-id", Outputs.GetProperty(clientOutput).GetString()!, "--auth-parameters", AwsCli.AuthParameters(user, LocalCloudServer.DevPassword));
        return result.GetProperty("AuthenticationResult").GetProperty(tokenName).GetString()!;
    }

    /// <summary>
    /// POSTs a JSON body as a client app does: with the token as the <c>Authorization</c> header when one is given, and
    /// the app's API key as <c>x-api-key</c> (client app 1's unless another or none is given).
    /// </summary>
    public async Task<HttpResponseMessage> PostAsync(
        string path, string? token, string body = "{\"name\":\"Ada\"}", string? forwardedFor = null, string? apiKey = LocalCloudServer.ClientApp1Key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", token);
        }

        if (apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation("x-api-key", apiKey);
        }

        if (forwardedFor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        return await HttpWithoutApiKey.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        HttpWithoutApiKey.Dispose();
        await _factory.DisposeAsync();
    }

    private async Task WaitForOutputsAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            using var response = await Http.GetAsync(new Uri("/_localcloud/outputs", UriKind.Relative), deadline.Token);
            if (response.IsSuccessStatusCode)
            {
                Outputs = (await response.Content.ReadFromJsonAsync<JsonElement>(deadline.Token)).GetProperty("Outputs");
                return;
            }

            // 503 while provisioning runs; anything else is a failure worth its body. Each ask is a round trip, so the loop paces itself.
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                throw new InvalidOperationException($"LocalCloud did not provision: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(deadline.Token)}");
            }
        }
    }
}

/// <summary>Starts <see cref="LocalCloudServer{TProgram}"/>; the dev users it provisions and their password.</summary>
public static class LocalCloudServer
{
    public const string User1 = "user1@example.com";
    public const string User2 = "user2@example.com";
    public const string DevPassword = "Correct-Horse-Battery-9";

    /// <summary>The API keys' values this server sets (<c>LocalCloud:ApiKeyValues</c>), as an operator would.</summary>
    public const string ClientApp1Key = "test-client-app-1-key-6f1c2d9e";
    public const string ClientApp2Key = "test-client-app-2-key-83b0a47c";

    /// <summary>The template's functions, by logical id: each gets a Runtime API secret of its own.</summary>
    public static readonly IReadOnlyList<string> FunctionLogicalIds = [.. FunctionProcess.StackFunctions.Select(function => function.LogicalId)];

    public static Task<LocalCloudServer<TProgram>> StartAsync<TProgram>(
        MotoServer moto,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null,
        string? environment = null)
        where TProgram : class =>
        LocalCloudServer<TProgram>.StartAsync(moto, settings, configureServices, environment);
}
