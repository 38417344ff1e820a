using System.Diagnostics;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Sts;
using SecureLambda.Deploy.Cli;
using SecureLambda.Testing;

namespace SecureLambda.Deploy.Tests.Support;

[CollectionDefinition(Name)]
public sealed class MotoServerGroup : ICollectionFixture<MotoServerFixture>
{
    public const string Name = "moto";
}

/// <summary>
/// A moto of its own for the tests that run the command line as a process, so that they run beside the in-process
/// ones instead of after them (each test still owns an account, so sharing would be safe, just slower).
/// </summary>
[CollectionDefinition(Name)]
public sealed class CommandLineProcessGroup : ICollectionFixture<MotoServerFixture>
{
    public const string Name = "moto-command-line";
}

/// <summary>
/// An AWS account of its own in the shared moto, for one test: moto keeps every account apart (its buckets, stacks,
/// user pools), and an STS AssumeRole into <c>arn:aws:iam::{account}:role/…</c> answers with credentials of that
/// account. So no test sees another's default artifact bucket or stacks, whatever order they run in.
/// </summary>
public sealed record MotoAccount(string AccountId, IReadOnlyDictionary<string, string> Environment)
{
    private static int s_next;

    public static async Task<MotoAccount> CreateAsync(MotoServer moto)
    {
        var accountId = (200_000_000_000L + Interlocked.Increment(ref s_next)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var sts = StsClient.Create(AwsClientContext.FromEnvironment(moto.ClientEnvironment.GetValueOrDefault));
        var credentials = await sts.AssumeRoleAsync($"arn:aws:iam::{accountId}:role/deployer", "deploy-tests", CancellationToken.None);
        return new MotoAccount(accountId, new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL"] = moto.Endpoint.ToString().TrimEnd('/'),
            ["AWS_ACCESS_KEY_ID"] = credentials.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = credentials.SecretAccessKey,
            ["AWS_SESSION_TOKEN"] = credentials.SessionToken!,
        });
    }

    /// <summary>The AWS CLI as this account, against moto, in the deploy tests' region.</summary>
    public async Task<System.Text.Json.JsonElement?> AwsAsync(params string[] args)
    {
        var output = await AwsCli.RunAsync(
            Environment,
            ["--endpoint-url", Environment["AWS_ENDPOINT_URL"], "--region", DeployerUnderTest.Region, .. args]);
        return output.ValueKind == System.Text.Json.JsonValueKind.Object && !output.EnumerateObject().Any() ? null : output;
    }
}

/// <summary>The change sets of <paramref name="stackName"/> that wait to be executed.</summary>
public static class MotoAccountChangeSets
{
    public static async Task<IReadOnlyList<string>> AvailableChangeSetsAsync(this MotoAccount account, string stackName)
    {
        var listed = await account.AwsAsync("cloudformation", "list-change-sets", "--stack-name", stackName);
        // moto: ListChangeSets ignores StackName and lists every stack's change sets, so filter here.
        return listed!.Value.GetProperty("Summaries").EnumerateArray()
            .Where(summary => summary.GetProperty("StackName").GetString() == stackName && summary.GetProperty("ExecutionStatus").GetString() == "AVAILABLE")
            .Select(summary => summary.GetProperty("ChangeSetName").GetString()!)
            .ToList();
    }
}

/// <summary>A deployer wired to moto (or to a canned CloudFormation in front of it), in-process, with no waiting between polls.</summary>
public sealed class DeployerUnderTest : IDisposable
{
    public const string Region = "eu-west-1";

    private readonly HttpClient _http;

    public DeployerUnderTest(IReadOnlyDictionary<string, string> environment, HttpMessageHandler? handler = null, FakePackager? packager = null, ITerminal? terminal = null)
    {
        Temp = new TempDirectory();
        Packager = packager ?? new FakePackager(Temp.Path);
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        string? Env(string name) => environment.TryGetValue(name, out var value) ? value : null;
        Host = new DeployHost(Out, Error, Env, new EnvironmentCredentialSource(Env), _ => Packager, _http,
            (_, token) => token.IsCancellationRequested ? Task.FromCanceled(token) : Task.CompletedTask, TimeProvider.System, Repository.Root, terminal, Temp.Path);
    }

    public TempDirectory Temp { get; }

    public FakePackager Packager { get; }

    public StringWriter Out { get; } = new();

    public StringWriter Error { get; } = new();

    public DeployHost Host { get; }

    public string OutputsFile => Path.Combine(Temp.Path, "outputs.json");

    public Task<int> RunAsync(params string[] args) => RunAsync(TestContext.Current.CancellationToken, args);

    public Task<int> RunAsync(CancellationToken cancellationToken, params string[] args) => new DeployCommandLine(Host).InvokeAsync(args, cancellationToken);

    public void Dispose()
    {
        _http.Dispose();
        Temp.Dispose();
    }
}

/// <summary>A terminal whose person gives the answers in order.</summary>
public sealed class ScriptedTerminal(params string[] answers) : ITerminal
{
    private readonly Queue<string> _answers = new(answers);

    public int Questions { get; private set; }

    public Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        Questions++;
        return Task.FromResult(_answers.TryDequeue(out var answer) ? answer : null);
    }
}

/// <summary>
/// The real command line as its own process (<c>dotnet SecureLambda.Deploy.dll</c>), with standard input redirected as
/// in CI: what a user runs, several times in a row in one working copy, so state that leaks between runs shows.
/// </summary>
public sealed class DeployProcess(IReadOnlyDictionary<string, string> environment, string workingDirectory)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static string ToolPath { get; } = Path.Combine(
        Repository.Root, "SecureLambda.Deploy", "bin", new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name, "net10.0", "SecureLambda.Deploy.dll");

    public async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ToolPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(key => key.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
