extern alias AppHost;

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SecureLambda.Testing;
using ResourceNames = AppHost::SecureLambda.AppHost.Hosting.ResourceNames;

namespace SecureLambda.IntegrationTests.AppHost;

/// <summary>
/// The whole stack as <c>dotnet run --project SecureLambda.AppHost</c> starts it (engine, LocalCloud, the three function
/// processes), on free ports so that it never clashes with a developer's stack on 4566/4567, with known dev-user
/// passwords and the extra configuration a subclass gives. Ready once LocalCloud is healthy (the template is
/// provisioned) and the functions run; InternalLambda's log is collected from the start.
/// </summary>
public abstract class SecureLambdaApp : IAsyncLifetime
{
    public const string User1 = "user1@example.com";
    public const string User2 = "user2@example.com";

    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, string> _passwords = new()
    {
        // Meets the pools' policy: 12+ characters with upper, lower, digit and symbol.
        [User1] = $"Aa1!{Guid.NewGuid():N}",
        [User2] = $"Bb2#{Guid.NewGuid():N}",
    };

    private static readonly string[] FunctionNames = [ExpectedNames.ExternalLambda1, ExpectedNames.ExternalLambda2, ExpectedNames.InternalLambda];

    private readonly Dictionary<string, string> _tokens = [];
    private DistributedApplication? _app;
    private ResourceLog? _internalLambdaLog;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app has not been started.");

    /// <summary>What the AppHost itself logs (its own categories, not the resources' consoles).</summary>
    public Microsoft.Extensions.Logging.Testing.FakeLogCollector AppHostLogs =>
        App.Services.GetRequiredService<Microsoft.Extensions.Logging.Testing.FakeLogCollector>();

    public HttpClient Http { get; private set; } = null!;

    /// <summary>The engine that serves Cognito (moto, or the moto beside LocalStack), behind the AWS endpoint.</summary>
    public Uri CognitoEngine { get; private set; } = null!;

    /// <summary>The stack's AWS endpoint, LocalCloud's, where every AWS tool is pointed (<c>http://localhost:4566</c> normally).</summary>
    public Uri AwsEndpoint { get; private set; } = null!;

    /// <summary>The template's API key a client app sends, by default client app 1's.</summary>
    public const string ClientApp1ApiKey = "ClientApp1ApiKey";

    public const string ClientApp2ApiKey = "ClientApp2ApiKey";

    /// <summary>The dev API keys' values by logical id, as <c>GET /_localcloud/outputs</c> serves them.</summary>
    public IReadOnlyDictionary<string, string> DevApiKeys { get; private set; } = new Dictionary<string, string>();

    /// <summary>The stack's Outputs, as <c>GET /_localcloud/outputs</c> serves them.</summary>
    public JsonElement Outputs { get; private set; }

    internal ResourceLog InternalLambdaLog => _internalLambdaLog ?? throw new InvalidOperationException("The app has not been started.");

    /// <summary>Every line each resource wrote until the app was ready (a normal start), by resource name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LogLine>> StartLogs { get; private set; } = new Dictionary<string, IReadOnlyList<LogLine>>();

    /// <summary>Configuration beyond ports and passwords, as AppHost command-line arguments (<c>--Key=Value</c>).</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <summary>The Aspire resource that serves Cognito: the engine itself unless LocalStack is the engine.</summary>
    protected virtual string CognitoResource => ResourceNames.Engine;

    /// <summary>
    /// Whether the Aspire dashboard runs beside the stack, as it does for <c>dotnet run</c>. Off by default, as
    /// Aspire.Hosting.Testing has it: the dashboard is one more process, and only the browser tests look at it.
    /// </summary>
    protected virtual bool WithDashboard => false;

    /// <summary>The dashboard's login URL with its browser token (only with <see cref="WithDashboard"/>).</summary>
    public Uri DashboardLoginUrl { get; private set; } = null!;

    /// <summary>Whether the tests of this app can run here at all; when not, nothing is started and they skip.</summary>
    protected virtual bool CanRun => true;

    public async ValueTask InitializeAsync()
    {
        if (!CanRun)
        {
            return;
        }

        using var deadline = new CancellationTokenSource(StartTimeout);
        var token = deadline.Token;
        var (enginePort, localCloudPort, awsPort) = (TcpPorts.Free(), TcpPorts.Free(), TcpPorts.Free());
        string[] args =
        [
            $"--Engine:Port={enginePort}",
            $"--LocalCloud:Port={localCloudPort}",
            $"--LocalCloud:AwsPort={awsPort}",
            $"--Parameters:{ExpectedNames.User1Password}={_passwords[User1]}",
            $"--Parameters:{ExpectedNames.User2Password}={_passwords[User2]}",
            // Each function keeps its one environment, the resource whose console the scenarios read; LocalCloud's
            // tests cover the environments it starts on demand (ExecutionEnvironmentsTests).
            "--LocalCloud:Lambda:Environments:ExternalLambda1=1",
            "--LocalCloud:Lambda:Environments:ExternalLambda2=1",
            "--LocalCloud:Lambda:Environments:InternalLambda=1",
            .. ExtraArguments,
        ];
        var builder = await (WithDashboard
                ? DistributedApplicationTestingBuilder.CreateAsync<AppHost::Projects.SecureLambda_AppHost>([.. args, .. DashboardArguments()], static (options, _) =>
                {
                    // Aspire.Hosting.Testing turns the dashboard off; on again, over plain HTTP on loopback like the
                    // launch profile. Not its EnableDashboard option: that moves the OTLP endpoint to a port only the
                    // resources are told, while AppHostTracing exports the AppHost's spans to the configured address.
                    options.DisableDashboard = false;
                    options.AllowUnsecuredTransport = true;
                }, token)
                : DistributedApplicationTestingBuilder.CreateAsync<AppHost::Projects.SecureLambda_AppHost>(args, token))
            .WaitAsync(StartTimeout, token);

        builder.Services.AddFakeLogging();
        _app = await builder.BuildAsync(token).WaitAsync(StartTimeout, token);
        await _app.StartAsync(token).WaitAsync(StartTimeout, token);

        var notifications = _app.ResourceNotifications;
        await notifications.WaitForResourceHealthyAsync(ResourceNames.LocalCloud, token).WaitAsync(StartTimeout, token);
        foreach (var function in FunctionNames)
        {
            await notifications.WaitForResourceAsync(function, KnownResourceStates.Running, token).WaitAsync(StartTimeout, token);
        }

        // Only once it runs: the resource's instance name, which its log is kept under, is assigned at start.
        var internalLambda = _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(resource => resource.Name == ExpectedNames.InternalLambda);
        _internalLambdaLog = new ResourceLog(_app.Services.GetRequiredService<ResourceLoggerService>(), internalLambda);

        if (WithDashboard)
        {
            // The login URL a developer opens from the AppHost's log: the dashboard's address with the browser token.
            var configuration = _app.Services.GetRequiredService<IConfiguration>();
            var browserToken = configuration["AppHost:BrowserToken"] ?? throw new InvalidOperationException("The AppHost has no browser token.");
            DashboardLoginUrl = new Uri($"{configuration["ASPNETCORE_URLS"]}/login?t={browserToken}");
        }

        Http = new HttpClient { BaseAddress = _app.GetEndpoint(ResourceNames.LocalCloud, "http") };

        // Like every real client; the web ACL's core rule set blocks a request without one (NoUserAgent_HEADER).
        Http.DefaultRequestHeaders.UserAgent.ParseAdd("SecureLambda.IntegrationTests/1.0");
        CognitoEngine = _app.GetEndpoint(CognitoResource, "http");
        AwsEndpoint = _app.GetEndpoint(ResourceNames.LocalCloud, "aws");
        var outputs = await Http.GetFromJsonAsync<JsonElement>("/_localcloud/outputs", token).WaitAsync(StepTimeout, token);
        Outputs = outputs.GetProperty("Outputs");
        DevApiKeys = outputs.GetProperty("DevApiKeys").EnumerateArray()
            .ToDictionary(key => key.GetProperty("LogicalId").GetString()!, key => key.GetProperty("Value").GetString()!, StringComparer.Ordinal);
        StartLogs = await ReadLogsAsync(token);
    }

    /// <summary>What each resource has written so far: its log's backlog, by resource (DCP's instance names resolved).</summary>
    private async Task<IReadOnlyDictionary<string, IReadOnlyList<LogLine>>> ReadLogsAsync(CancellationToken cancellationToken)
    {
        var logs = App.Services.GetRequiredService<ResourceLoggerService>();
        var byResource = new Dictionary<string, IReadOnlyList<LogLine>>();
        foreach (var resource in App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Where(resource => resource is not ParameterResource))
        {
            var lines = new List<LogLine>();
            await foreach (var batch in logs.GetAllAsync(resource).WithCancellation(cancellationToken))
            {
                lines.AddRange(batch);
            }

            byResource[resource.Name] = lines;
        }

        return byResource;
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        Http?.Dispose();
        if (_internalLambdaLog is not null)
        {
            await _internalLambdaLog.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(StepTimeout);
            await _app.DisposeAsync().AsTask().WaitAsync(StepTimeout);
        }
    }

    /// <summary>A real ID token for a dev user: the AWS CLI signs in through the stack's AWS endpoint, once per user.</summary>
    public async Task<string> IdTokenAsync(string user)
    {
        if (_tokens.TryGetValue(user, out var cached))
        {
            return cached;
        }

        var client = Outputs.GetProperty(user == User1 ? "UserPool1ClientId" : "UserPool2ClientId").GetString()!;
        var result = await AwsCli.RunAsync("--endpoint-url", AwsEndpoint.ToString().TrimEnd('/'),
                "cognito-idp", "initiate-auth", "--auth-flow", "USER_PASSWORD_AUTH",
                "--client-id", client, "--auth-parameters", AwsCli.AuthParameters(user, _passwords[user]))
            .WaitAsync(StepTimeout, TestContext.Current.CancellationToken);
        return _tokens[user] = result.GetProperty("AuthenticationResult").GetProperty("IdToken").GetString()!;
    }

    /// <summary>
    /// POSTs a JSON body to the stage as a client app does: with the token as <c>Authorization</c> when one is given,
    /// and the dev value of the API key <paramref name="apiKeyOf"/> (a logical id; null for none) as <c>x-api-key</c>.
    /// </summary>
    public Task<(HttpStatusCode Status, string Body)> PostAsync(
        string path, string? token, string body, string? forwardedFor = null, string? apiKeyOf = ClientApp1ApiKey) =>
        PostWithApiKeyValueAsync(path, token, body, apiKeyOf is null ? null : DevApiKeys[apiKeyOf], forwardedFor);

    /// <summary>As <see cref="PostAsync"/>, with <paramref name="apiKey"/> itself as <c>x-api-key</c> (null for none).</summary>
    public async Task<(HttpStatusCode Status, string Body)> PostWithApiKeyValueAsync(
        string path, string? token, string body, string? apiKey, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
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

        var cancellationToken = TestContext.Current.CancellationToken;
        using var response = await Http.SendAsync(request, cancellationToken).WaitAsync(StepTimeout, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).WaitAsync(StepTimeout, cancellationToken));
    }

    /// <summary>Waits for InternalLambda's log of the greeting for <paramref name="name"/>, which proves the SNS hop ran.</summary>
    public Task<string> WaitForInternalGreetingAsync(string name) =>
        InternalLambdaLog.WaitForLineAsync(line => line.Contains(InternalGreeting(name), StringComparison.Ordinal), StepTimeout, TestContext.Current.CancellationToken);

    /// <summary>
    /// Proves that InternalLambda received no greeting since log position <paramref name="since"/> (take it with
    /// <c>InternalLambdaLog.Count</c> before the refused request): a marker greeting is sent afterwards through user1's
    /// route; the topic delivers in order through one queue, so the first greeting InternalLambda logs after that
    /// position must be the marker's. Tests of one app run one at a time, and each waits for its own greetings.
    /// </summary>
    public async Task AssertNothingReachedInternalLambdaSinceAsync(int since)
    {
        var marker = UniqueName("Marker");
        var (status, body) = await PostAsync("/development/lambda1", await IdTokenAsync(User1), $"{{\"name\":\"{marker}\"}}");
        Assert.True(status == HttpStatusCode.OK, $"The marker greeting was refused: {(int)status} {body}");
        var first = await InternalLambdaLog.WaitForLineAsync(
            line => line.Contains("Greetings from InternalLambda!", StringComparison.Ordinal),
            StepTimeout, TestContext.Current.CancellationToken, since);
        Assert.Contains(InternalGreeting(marker), first, StringComparison.Ordinal);
    }

    /// <summary>
    /// The seed scenario on whatever engine this app runs: each user is greeted on their own route and InternalLambda
    /// logs it; user2's token on user1's route is 401, and nothing reaches InternalLambda.
    /// </summary>
    public async Task AssertEachUserIsGreetedOnlyOnTheirOwnRouteAsync()
    {
        foreach (var (user, path, greeter) in (IEnumerable<(string, string, string)>)[(User1, "/development/lambda1", "ExternalLambda1"), (User2, "/development/lambda2", "ExternalLambda2")])
        {
            var name = UniqueName("Ada");
            var (status, body) = await PostAsync(path, await IdTokenAsync(user), $"{{\"name\":\"{name}\"}}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal($"{{\"message\":\"Hello {name}. Greetings from {greeter}! Message forwarded to InternalLambda.\"}}", body);
            await WaitForInternalGreetingAsync(name);
        }

        var since = InternalLambdaLog.Count;
        var refused = await PostAsync("/development/lambda1", await IdTokenAsync(User2), $"{{\"name\":\"{UniqueName("Mallory")}\"}}");
        Assert.Equal((HttpStatusCode.Unauthorized, "{\"message\":\"Unauthorized\"}"), refused);
        await AssertNothingReachedInternalLambdaSinceAsync(since);
    }

    /// <summary>A name no other test uses, so a log line for it can only come from this test.</summary>
    public static string UniqueName(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 10)];

    public static string InternalGreeting(string name) => $"\"message\":\"Hello {name}. Greetings from InternalLambda!\"";

    /// <summary>
    /// The launch profile's dashboard settings, on free ports rather than the profile's (a developer's AppHost may hold
    /// them): the dashboard's URL, its OTLP endpoint (the address the AppHost's own spans, a dashboard command's, are
    /// exported to, so it must be known before the start), the resource service, and a browser token of this app's.
    /// </summary>
    private static string[] DashboardArguments() =>
    [
        $"--ASPNETCORE_URLS=http://localhost:{TcpPorts.Free()}",
        $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://localhost:{TcpPorts.Free()}",
        $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://localhost:{TcpPorts.Free()}",
        "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
        // Aspire.Hosting.Testing moves proxied endpoints to random ports, the dashboard's among them; these ports are free.
        "--DcpPublisher:RandomizePorts=false",
        $"--AppHost:BrowserToken={Guid.NewGuid():N}",
    ];
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppHostCollectionDefinition
{
    /// <summary>
    /// One app at a time: each instance is an engine, LocalCloud and three function processes, and these machines have
    /// two cores. Each test class brings its own configuration as a class fixture, started once for the class.
    /// </summary>
    public const string Name = "apphost";
}

/// <summary>
/// The names the AppHost must give the template's functions (the logical id in kebab case) and the dev users'
/// password parameters (one per pool, in template order): what the dashboard shows and the README's commands use.
/// </summary>
public static class ExpectedNames
{
    public const string ExternalLambda1 = "external-lambda-1";
    public const string ExternalLambda2 = "external-lambda-2";
    public const string InternalLambda = "internal-lambda";
    public const string User1Password = "user1-password";
    public const string User2Password = "user2-password";
}
