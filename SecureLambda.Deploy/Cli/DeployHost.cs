using SecureLambda.Deploy.Packaging;

namespace SecureLambda.Deploy.Cli;

/// <summary>Everything the commands take from the outside world, so that tests can hand in their own.</summary>
/// <param name="Packager">The packager for a run: publish, or zip the given published folder (<c>--bootstrap-dir</c>).</param>
/// <param name="Terminal">Where a person answers consent questions; null without a terminal.</param>
/// <param name="WorkingDirectory">What relative paths on the command line (<c>--template</c>, <c>--outputs-file</c>) are relative to.</param>
public sealed record DeployHost(
    TextWriter Out,
    TextWriter Error,
    Func<string, string?> GetEnvironmentVariable,
    ICredentialSource Credentials,
    Func<string?, IBootstrapPackager> Packager,
    HttpClient Http,
    Func<TimeSpan, CancellationToken, Task> Delay,
    TimeProvider Time,
    string RepositoryRoot,
    ITerminal? Terminal,
    string WorkingDirectory)
{
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The host of a real run: the environment's variables and AWS credential chain, the clock, and packaging into
    /// <c>artifacts/deploy</c> of the clone (the Native AOT publish, or a published folder with <c>--bootstrap-dir</c>).
    /// The command line's and the AppHost's deploy step's, which differ only in where they write and ask.
    /// </summary>
    public static DeployHost ForThisMachine(TextWriter output, TextWriter error, HttpClient http, string repositoryRoot, ITerminal? terminal, string workingDirectory)
    {
        var artifacts = Path.Combine(repositoryRoot, "artifacts", "deploy");
        return new DeployHost(
            output,
            error,
            Environment.GetEnvironmentVariable,
            new AwsSdkCredentialSource(),
            bootstrapDirectory => bootstrapDirectory is null
                ? new BootstrapPublisher(repositoryRoot, artifacts, TimeProvider.System)
                : new PublishedBootstrapPackager(bootstrapDirectory, artifacts),
            http,
            (delay, token) => Task.Delay(delay, token),
            TimeProvider.System,
            repositoryRoot,
            terminal,
            workingDirectory);
    }

    public string FullPath(string path) => Path.GetFullPath(path, WorkingDirectory);
}
