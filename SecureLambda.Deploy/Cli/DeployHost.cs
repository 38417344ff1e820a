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

    public string FullPath(string path) => Path.GetFullPath(path, WorkingDirectory);
}
