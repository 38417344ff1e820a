namespace SecureLambda;

/// <summary>
/// Finds an executable on <c>PATH</c>, as a shell would (on Windows also as <c>.exe</c> or <c>.cmd</c>). Compiled into
/// each project that starts a tool of the machine (moto_server, dotnet, the AWS CLI, cfn-lint, node), the way Aspire
/// shares its <c>src/Shared</c> files, so that the rule is written once without a project of its own.
/// </summary>
internal static class ExecutableSearch
{
    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(directory => OperatingSystem.IsWindows()
                ? new[] { Path.Combine(directory, name + ".exe"), Path.Combine(directory, name + ".cmd") }
                : [Path.Combine(directory, name)])
            .FirstOrDefault(File.Exists);
}
