namespace SecureLambda.Deploy;

/// <summary>
/// A failure the tool explains in one line: what failed, why, and what to do. The command line prints
/// <see cref="Exception.Message"/>, and <see cref="Details"/> only with <c>--verbose</c>, then exits with
/// <see cref="ExitCode"/>.
/// </summary>
public sealed class DeployException(string message, int exitCode = ExitCodes.Failed, string? details = null, Exception? inner = null)
    : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;

    public string? Details { get; } = details;
}

/// <summary>The exit codes, as the README documents them.</summary>
public static class ExitCodes
{
    /// <summary>Deployed, destroyed, nothing to change, or a dry run's change set kept for review.</summary>
    public const int Success = 0;

    /// <summary>The deployment, or a step of it, failed: AWS refused a call, or the stack operation failed.</summary>
    public const int Failed = 1;

    /// <summary>The tool could not start: bad arguments or parameter values, no credentials, no region.</summary>
    public const int Usage = 2;

    /// <summary>A destructive step needs consent that was not given: declined at the prompt, or no terminal and no --yes.</summary>
    public const int ConsentRequired = 3;

    /// <summary>Interrupted with Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}
