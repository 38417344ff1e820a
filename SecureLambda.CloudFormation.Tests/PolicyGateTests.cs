using System.Text.RegularExpressions;
using SecureLambda.CloudFormation.Intrinsics;
using Xunit;

namespace SecureLambda.CloudFormation.Tests;

/// <summary>
/// The cdk-nag gate (scripts/policy/policy-check.mjs, issue 17): AWS's AwsSolutions and Serverless rule packs pass
/// over the template with every finding accepted in the template itself, and fail on a copy that breaks a rule.
/// </summary>
public sealed partial class PolicyGateTests
{
    private static readonly TimeSpan GateTimeout = TimeSpan.FromMinutes(3);

    private static readonly CloudFormationTemplate Template = SecureLambdaTemplate.Template;

    [Fact]
    public async Task Template_PassesTheRulePacks_WithEveryFindingAcceptedInTheTemplate()
    {
        var (exitCode, output) = await RunGateAsync(SecureLambdaTemplate.Path);

        Assert.True(exitCode == 0, output);
        Assert.Matches(SummaryPattern(), output);
        Assert.Contains("ACCEPTED AwsSolutions-IAM5[Resource::*] on ExternalLambda1Role", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// An attacker (or a hurried change) widens a role to <c>sns:*</c>: the gate names the rule, the resource and the
    /// action, and fails, because the role's acceptance covers the X-Ray <c>Resource: *</c> finding only.
    /// </summary>
    [Fact]
    public async Task WidenARoleToAWildcardAction_FailsTheGate()
    {
        var broken = await CopyTemplateAsync(yaml => ReplaceFirst(
            yaml,
            "Sid: PublishGreeting\n                Effect: Allow\n                Action: sns:Publish\n",
            "Sid: PublishGreeting\n                Effect: Allow\n                Action: \"sns:*\"\n"));
        try
        {
            var (exitCode, output) = await RunGateAsync(broken);

            Assert.True(exitCode == 1, output);
            Assert.Contains("FAILED   AwsSolutions-IAM5[Action::sns:*] on ExternalLambda1Role", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    /// <summary>
    /// An acceptance that matches no finding would silently cover the next problem of that kind on the resource, and
    /// the finding it was meant for is then unaccepted: the gate fails on both.
    /// </summary>
    [Fact]
    public async Task AStaleAcceptance_AndTheFindingItNoLongerCovers_FailTheGate()
    {
        var broken = await CopyTemplateAsync(yaml => ReplaceFirst(yaml, "id: AwsSolutions-SMG4", "id: AwsSolutions-S1"));
        try
        {
            var (exitCode, output) = await RunGateAsync(broken);

            Assert.True(exitCode == 1, output);
            Assert.Contains("FAILED   AwsSolutions-SMG4 on TopicArnSecret", output, StringComparison.Ordinal);
            Assert.Contains("FAILED   acceptance of AwsSolutions-S1 on TopicArnSecret matches no finding", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    /// <summary>Each acceptance says what the rule guards against and why it does not apply, and cites AWS.</summary>
    [Fact]
    public void EveryAcceptance_GivesASpecificReasonWithTheAwsPage()
    {
        var acceptances = Template.Resources.Values
            .SelectMany(resource => (resource.Metadata?["cdk_nag"]?["rules_to_suppress"]?.AsArray() ?? [])
                .Select(entry => (resource.LogicalId, Id: (string?)entry?["id"], Reason: (string?)entry?["reason"])))
            .ToList();

        Assert.True(acceptances.Count >= 10, $"only {acceptances.Count} acceptances");
        Assert.All(acceptances, acceptance =>
        {
            Assert.False(string.IsNullOrWhiteSpace(acceptance.Id), $"{acceptance.LogicalId}: an acceptance without id");
            Assert.True(acceptance.Reason?.Length >= 150, $"{acceptance.LogicalId} {acceptance.Id}: the reason is too short to be specific");
            Assert.Contains("https://docs.aws.amazon.com/", acceptance.Reason, StringComparison.Ordinal);
        });
    }

    [GeneratedRegex(@"policy-check: \d+ finding\(s\), \d+ accepted in the template, 0 unaccepted problem\(s\)")]
    private static partial Regex SummaryPattern();

    private static string ReplaceFirst(string text, string old, string replacement)
    {
        var index = text.IndexOf(old, StringComparison.Ordinal);
        Assert.True(index >= 0, $"the template no longer contains: {old}");
        return string.Concat(text.AsSpan(0, index), replacement, text.AsSpan(index + old.Length));
    }

    private static async Task<string> CopyTemplateAsync(Func<string, string> change)
    {
        var path = Path.Combine(Path.GetTempPath(), $"secure-lambda-{Guid.NewGuid():N}.yaml");
        var yaml = await File.ReadAllTextAsync(SecureLambdaTemplate.Path, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(path, change(yaml), TestContext.Current.CancellationToken);
        return path;
    }

    private static async Task<(int ExitCode, string Output)> RunGateAsync(string templatePath)
    {
        var script = FindScript();
        var node = ExecutableSearch.FindOnPath("node");
        if (script is null || node is null || !Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules")))
        {
            Assert.Skip(
                "The cdk-nag gate needs node on PATH and its npm packages: run `npm ci --prefix scripts/policy` "
                + "(.ci/run does it when they are missing).");
        }

        return await ExternalTool.RunAsync(node, [script, "--template", templatePath], GateTimeout);
    }

    /// <summary>The script in the repository this test assembly was built from (it sits under the repository root).</summary>
    private static string? FindScript()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "scripts", "policy", "policy-check.mjs");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
