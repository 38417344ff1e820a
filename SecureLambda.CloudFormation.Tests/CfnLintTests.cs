using Xunit;

namespace SecureLambda.CloudFormation.Tests;

public sealed class CfnLintTests
{
    private const string InstallHint = "cfn-lint is not on PATH; install it with: pip install cfn-lint";
    private static readonly TimeSpan LintTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Template_PassesCfnLint_WithNoFindingsAtAllIncludingInformational()
    {
        var executable = ExecutableSearch.FindOnPath("cfn-lint");
        if (executable is null)
        {
            Assert.Fail(InstallHint);
        }

        var (exitCode, output) = await ExternalTool.RunAsync(
            executable, ["--include-checks", "I", "--", SecureLambdaTemplate.Path], LintTimeout);

        Assert.True(exitCode == 0 && output.Length == 0, $"cfn-lint exited {exitCode}:\n{output}");
    }
}
