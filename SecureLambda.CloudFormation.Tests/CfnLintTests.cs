using System.Diagnostics;
using Xunit;

namespace SecureLambda.CloudFormation.Tests;

public sealed class CfnLintTests
{
    private const string InstallHint = "cfn-lint is not on PATH; install it with: pip install cfn-lint";
    private static readonly TimeSpan LintTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Template_PassesCfnLint_WithNoFindingsAtAllIncludingInformational()
    {
        var executable = FindOnPath("cfn-lint");
        if (executable is null)
        {
            Assert.Fail(InstallHint);
        }

        var startInfo = new ProcessStartInfo(executable)
        {
            ArgumentList = { "--include-checks", "I", "--", SecureLambdaTemplate.Path },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {executable}.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(LintTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = (await stdout + await stderr).Trim();
        Assert.True(process.ExitCode == 0 && output.Length == 0, $"cfn-lint exited {process.ExitCode}:\n{output}");
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(directory => OperatingSystem.IsWindows()
                ? new[] { Path.Combine(directory, name + ".exe"), Path.Combine(directory, name + ".cmd") }
                : [Path.Combine(directory, name)])
            .FirstOrDefault(File.Exists);
}
