namespace SecureLambda.Deploy;

/// <summary>A failure the tool explains in its message; the command line prints it and exits with <see cref="ExitCode"/>.</summary>
public sealed class DeployException(string message, int exitCode = ExitCodes.Failed) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The deployment, or a step of it, failed.</summary>
    public const int Failed = 1;

    /// <summary>The tool could not start: bad arguments, no credentials, no region.</summary>
    public const int Usage = 2;
}
