using SecureLambda.Deploy.Cli;
using SecureLambda.Testing;

namespace SecureLambda.Deploy.Tests.Support;

[CollectionDefinition(Name)]
public sealed class MotoServerGroup : ICollectionFixture<MotoServerFixture>
{
    public const string Name = "moto";
}

/// <summary>A deployer wired to moto (or to a canned CloudFormation in front of it), with no waiting between polls.</summary>
public sealed class DeployerUnderTest : IDisposable
{
    public const string Region = "eu-west-1";

    private readonly HttpClient _http;

    public DeployerUnderTest(IReadOnlyDictionary<string, string> environment, HttpMessageHandler? handler = null, FakePackager? packager = null)
    {
        Temp = new TempDirectory();
        Packager = packager ?? new FakePackager(Temp.Path);
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        string? Env(string name) => environment.TryGetValue(name, out var value) ? value : null;
        Host = new DeployHost(Out, Error, Env, new EnvironmentCredentialSource(Env), _ => Packager, _http,
            (_, _) => Task.CompletedTask, TimeProvider.System, Repository.Root);
    }

    public TempDirectory Temp { get; }

    public FakePackager Packager { get; }

    public StringWriter Out { get; } = new();

    public StringWriter Error { get; } = new();

    public DeployHost Host { get; }

    public string OutputsFile => Path.Combine(Temp.Path, "outputs.json");

    public Task<int> RunAsync(params string[] args) => new DeployCli(Host).RunAsync(args, TestContext.Current.CancellationToken);

    public static Dictionary<string, string> MotoEnvironment(MotoServer moto) => new()
    {
        ["AWS_ENDPOINT_URL"] = moto.Endpoint.ToString().TrimEnd('/'),
        ["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretAccessKey,
    };

    public void Dispose()
    {
        _http.Dispose();
        Temp.Dispose();
    }
}
