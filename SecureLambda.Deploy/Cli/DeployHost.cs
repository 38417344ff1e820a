using SecureLambda.Deploy.Packaging;

namespace SecureLambda.Deploy.Cli;

/// <summary>Everything the commands take from the outside world, so that tests can hand in their own.</summary>
public sealed record DeployHost(
    TextWriter Out,
    TextWriter Error,
    Func<string, string?> GetEnvironmentVariable,
    ICredentialSource Credentials,
    Func<string, IBootstrapPackager> Packager,
    HttpClient Http,
    Func<TimeSpan, CancellationToken, Task> Delay,
    TimeProvider Time,
    string RepositoryRoot)
{
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);
}
