namespace SecureLambda.Deploy.Cli;

/// <summary>What every command takes: the stack, where it lives, and how much to say and ask.</summary>
public sealed record StackOptions(string StackName, string? Region, string? Profile, string? ArtifactBucket, bool Yes, bool Verbose);

/// <summary>The options of <c>deploy</c>.</summary>
public sealed record DeployOptions(StackOptions Stack)
{
    public const string DefaultOutputsFile = "stack-outputs.json";
    public const string DefaultTemplate = "cloudformation/secure-lambda.yaml";

    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];

    public bool DryRun { get; init; }

    public string OutputsFile { get; init; } = DefaultOutputsFile;

    /// <summary>A template path relative to the working directory; null for the repository's own.</summary>
    public string? Template { get; init; }

    public string? User1Email { get; init; }

    public string? User2Email { get; init; }

    /// <summary>An already published bootstrap folder to zip instead of publishing.</summary>
    public string? BootstrapDirectory { get; init; }

    /// <summary>A change set kept by an earlier <c>--dry-run</c>, to execute instead of building a new one.</summary>
    public string? ExecuteChangeSet { get; init; }
}
