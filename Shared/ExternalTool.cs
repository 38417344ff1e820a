using System.Diagnostics;
using Xunit;

namespace SecureLambda;

/// <summary>
/// A command-line tool a test runs to its end (cfn-lint, node for the cdk-nag gate, the repository's scripts). Compiled
/// into each test project that needs it, as <c>ExecutableSearch</c> is.
/// </summary>
internal static class ExternalTool
{
    /// <summary>
    /// Runs the executable to its end, or kills it after <paramref name="timeout"/>; stdout then stderr, trimmed.
    /// <paramref name="environment"/> sets variables over the test process's own.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string executable, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {executable}.");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, (await stdout + await stderr).Trim());
    }
}
