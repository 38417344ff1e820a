using SecureLambda.Deploy.Artifacts;
using SecureLambda.Deploy.Tests.Support;
using SecureLambda.Testing;

namespace SecureLambda.Deploy.Tests.Cli;

/// <summary>
/// The real command line, run as a user runs it: its own process, several times in a row, in one working copy (the
/// repository's <c>artifacts/deploy</c>) and from another working directory, against moto. Each run's exit code and
/// one-line messages are checked, and no run may print a stack trace. These catch state that leaks from one run into the
/// next, which in-process tests with a fresh folder each cannot (the second deploy once crashed on the first one's zip).
/// </summary>
[Collection(CommandLineProcessGroup.Name)]
public sealed class DeployProcessTests(MotoServerFixture moto) : IDisposable
{
    private const string Region = DeployerUnderTest.Region;

    private readonly TempDirectory _workingDirectory = new();

    public void Dispose() => _workingDirectory.Dispose();

    private string Bootstrap(string content)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_workingDirectory.Path, "publish-" + content)).FullName;
        File.WriteAllText(Path.Combine(folder, "bootstrap"), $"#!/bin/sh\necho {content}\n");
        return folder;
    }

    private static async Task<(int ExitCode, string Out, string Error)> RunAsync(DeployProcess tool, params string[] args)
    {
        var result = await tool.RunAsync(args);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.Error, StringComparison.Ordinal);
        return result;
    }

    /// <summary>
    /// With <c>AWS_REGION</c> set, as a shell with an AWS profile has it, the AWS SDK's S3 client takes that as its own
    /// region and would add its legacy location constraint (<c>EU</c>) beside the one the tool sets; S3 refuses two
    /// (IllegalLocationConstraintException). The tool says where the bucket goes, once.
    /// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
    /// </summary>
    [Fact]
    public async Task TheArtifactBucket_IsCreatedOutsideUsEast1_WhenAwsRegionIsSetInTheEnvironment()
    {
        var account = await MotoAccount.CreateAsync(moto.Server);
        var tool = new DeployProcess(new Dictionary<string, string>(account.Environment) { ["AWS_REGION"] = Region }, _workingDirectory.Path);

        var result = await RunAsync(tool, "deploy", "--stack-name", "regional", "--region", Region, "--bootstrap-dir", Bootstrap("v1"), "--dry-run");

        Assert.True(result.ExitCode == 0, result.Error + result.Out);
        Assert.Contains($"Created artifact bucket {ArtifactBucket.DefaultName(account.AccountId, Region)}", result.Out, StringComparison.Ordinal);
        var location = await account.AwsAsync("s3api", "get-bucket-location", "--bucket", ArtifactBucket.DefaultName(account.AccountId, Region));
        Assert.Equal(Region, location!.Value.GetProperty("LocationConstraint").GetString());
    }

    [Fact]
    public async Task DeployChangeDeployAgainDestroyDeployAgain_EveryRunEndsClearly_FromAnotherWorkingDirectory()
    {
        var account = await MotoAccount.CreateAsync(moto.Server);
        var tool = new DeployProcess(account.Environment, _workingDirectory.Path);
        var v1 = Bootstrap("v1");
        string[] stack = ["deploy", "--stack-name", "life", "--region", Region];
        // moto: an update that keeps a CommaDelimitedList by UsePreviousValue stores it as a Python list, and the update
        // after that fails inside moto (AttributeError: 'list' object has no attribute 'split', a 500). AWS keeps the
        // string. So the updates below give the two lists explicitly.
        string[] lists = ["--parameter", "AllowedCidrs=0.0.0.0/1,128.0.0.0/1", "--parameter", "AllowedIpv6Cidrs=::/1,8000::/1"];

        // First deploy: creates the bucket and the stack; the outputs file lands in the working directory.
        var first = await RunAsync(tool, [.. stack, "--bootstrap-dir", v1]);
        Assert.True(first.ExitCode == 0, first.Error + first.Out);
        Assert.Contains($"Created artifact bucket {ArtifactBucket.DefaultName(account.AccountId, Region)}", first.Out, StringComparison.Ordinal);
        Assert.Contains("Stack life: CREATE_COMPLETE", first.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_workingDirectory.Path, "stack-outputs.json")));

        // The same again: nothing to do, and no change set left behind.
        var again = await RunAsync(tool, [.. stack, "--bootstrap-dir", v1]);
        Assert.Equal((0, ""), (again.ExitCode, again.Error));
        Assert.Contains("upload skipped", again.Out, StringComparison.Ordinal);
        Assert.True(again.Out.Contains("No changes: stack life is already up to date.", StringComparison.Ordinal), again.Out);
        Assert.Empty(await account.AvailableChangeSetsAsync("life"));

        // A changed parameter, then changed code, then a changed API (a template of the user's, by relative path).
        var parameter = await RunAsync(tool, [.. stack, .. lists, "--bootstrap-dir", v1, "--parameter", "WafIpRuleAction=Block"]);
        Assert.True(parameter.ExitCode == 0, parameter.Error);
        Assert.Contains("Stack life: UPDATE_COMPLETE", parameter.Out, StringComparison.Ordinal);

        var code = await RunAsync(tool, [.. stack, .. lists, "--bootstrap-dir", Bootstrap("v2")]);
        Assert.True(code.ExitCode == 0, code.Error);
        Assert.Contains("Uploaded s3://", code.Out, StringComparison.Ordinal);
        Assert.Contains("Stack life: UPDATE_COMPLETE", code.Out, StringComparison.Ordinal);

        await File.WriteAllTextAsync(
            Path.Combine(_workingDirectory.Path, "api-changed.yaml"),
            Repository.TemplateText.Replace("maxLength: 128", "maxLength: 100", StringComparison.Ordinal),
            TestContext.Current.CancellationToken);
        var api = await RunAsync(tool, [.. stack, .. lists, "--bootstrap-dir", Bootstrap("v2"), "--template", "api-changed.yaml"]);
        Assert.True(api.ExitCode == 0, api.Error);
        var revisions = System.Text.RegularExpressions.Regex.Matches(first.Out + api.Out, "is deployed as (GreetingApiDeployment[0-9a-f]{10})").Select(match => match.Groups[1].Value).ToList();
        Assert.Equal(2, revisions.Distinct().Count());
        // The superseded deployment's removal is how the stage moves on: it needs no consent.
        Assert.Matches($@"Remove\s+{revisions[0]}\s+AWS::ApiGateway::Deployment", api.Out);
        Assert.Contains("Stack life: UPDATE_COMPLETE", api.Out, StringComparison.Ordinal);

        // A removal waits for consent: without a terminal and without --yes it stops with 3 and keeps the change set.
        var s = Repository.TemplateText;
        var start = s.IndexOf("  InternalLambdaEventInvokeConfig:", StringComparison.Ordinal);
        await File.WriteAllTextAsync(
            Path.Combine(_workingDirectory.Path, "removes.yaml"),
            s[..start] + s[s.IndexOf("  # ---", start, StringComparison.Ordinal)..],
            TestContext.Current.CancellationToken);
        var removal = await RunAsync(tool, [.. stack, .. lists, "--bootstrap-dir", Bootstrap("v2"), "--template", "removes.yaml"]);
        Assert.Equal(3, removal.ExitCode);
        Assert.Contains("1 destructive (Remove InternalLambdaEventInvokeConfig): executing it needs consent", removal.Out, StringComparison.Ordinal);
        Assert.Contains("No terminal to ask at: run again with --yes to go ahead.", removal.Error, StringComparison.Ordinal);
        var kept = Assert.Single(await account.AvailableChangeSetsAsync("life"));

        // The next deploy reports the kept change set and replaces it.
        var replaced = await RunAsync(tool, [.. stack, .. lists, "--bootstrap-dir", Bootstrap("v2"), "--template", "api-changed.yaml"]);
        Assert.Equal(0, replaced.ExitCode);
        Assert.Contains($"Replaced change set {kept}", replaced.Out, StringComparison.Ordinal);
        Assert.Empty(await account.AvailableChangeSetsAsync("life"));

        // Destroy asks first; with --yes it removes the stack, its artifacts and the tool's bucket.
        var refused = await RunAsync(tool, "destroy", "--stack-name", "life", "--region", Region);
        Assert.Equal(3, refused.ExitCode);
        Assert.Equal($"Delete stack life (UPDATE_COMPLETE) and its artifacts? No terminal to ask at: run again with --yes to go ahead. Nothing was deleted.{Environment.NewLine}", refused.Error);
        var destroyed = await RunAsync(tool, "destroy", "--stack-name", "life", "--region", Region, "--yes");
        Assert.True(destroyed.ExitCode == 0, destroyed.Error);
        Assert.Contains("Stack life: DELETE_COMPLETE", destroyed.Out, StringComparison.Ordinal);
        Assert.Contains("Deleted artifact bucket", destroyed.Out, StringComparison.Ordinal);

        // And deploy again after destroy: a new bucket, a new stack.
        // moto: its stack deletion leaves the log groups behind, which AWS deletes (DeletionPolicy: Delete), and a second
        // create then fails on their fixed names; delete them as AWS would have.
        var logGroups = (await account.AwsAsync("logs", "describe-log-groups"))!.Value.GetProperty("logGroups").EnumerateArray()
            .Select(group => group.GetProperty("logGroupName").GetString()!)
            .Where(name => name.Contains("/life-", StringComparison.Ordinal));
        foreach (var logGroup in logGroups)
        {
            await account.AwsAsync("logs", "delete-log-group", "--log-group-name", logGroup);
        }

        var reborn = await RunAsync(tool, [.. stack, "--bootstrap-dir", v1]);
        Assert.True(reborn.ExitCode == 0, reborn.Error);
        Assert.Contains("Created artifact bucket", reborn.Out, StringComparison.Ordinal);
        Assert.Contains("Stack life: CREATE_COMPLETE", reborn.Out, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync(tool, "destroy", "--stack-name", "life", "--region", Region, "--yes")).ExitCode);
    }

    [Fact]
    public async Task TwoStacksInOneAccountAndRegion_ShareTheBucket_AndDestroyingOneKeepsTheOther()
    {
        var account = await MotoAccount.CreateAsync(moto.Server);
        var tool = new DeployProcess(account.Environment, _workingDirectory.Path);
        var bootstrap = Bootstrap("shared");

        Assert.Equal(0, (await RunAsync(tool, "deploy", "-s", "twin-a", "-r", Region, "--bootstrap-dir", bootstrap, "-o", "a.json")).ExitCode);
        var second = await RunAsync(tool, "deploy", "-s", "twin-b", "-r", Region, "--bootstrap-dir", bootstrap, "-o", "b.json");
        Assert.Equal(0, second.ExitCode);
        Assert.DoesNotContain("Created artifact bucket", second.Out, StringComparison.Ordinal);

        var destroyA = await RunAsync(tool, "destroy", "-s", "twin-a", "-r", Region, "-y");
        Assert.Equal(0, destroyA.ExitCode);
        Assert.Contains("it still holds artifacts of twin-b", destroyA.Out, StringComparison.Ordinal);

        // twin-b still deploys from its artifacts (no change), then goes too, and the bucket with it.
        var stillThere = await RunAsync(tool, "deploy", "-s", "twin-b", "-r", Region, "--bootstrap-dir", bootstrap, "-o", "b.json");
        Assert.Contains("upload skipped", stillThere.Out, StringComparison.Ordinal);
        var destroyB = await RunAsync(tool, "destroy", "-s", "twin-b", "-r", Region, "-y");
        Assert.Contains("Deleted artifact bucket", destroyB.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpVersionAndMistakes_AnswerWithoutAStackTrace_AndTheDocumentedExitCodes()
    {
        var tool = new DeployProcess(new Dictionary<string, string>(), _workingDirectory.Path);

        var help = await RunAsync(tool, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("deploy", help.Out, StringComparison.Ordinal);
        Assert.Contains("destroy", help.Out, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync(tool, "deploy", "-h")).ExitCode);
        var version = await RunAsync(tool, "--version");
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Out);

        Assert.Equal(2, (await RunAsync(tool, "launch")).ExitCode);
        var noCredentials = await RunAsync(tool, "deploy", "-s", "x", "-r", Region);
        Assert.Equal((2, Deploy.Cli.NoCredentials.Message + Environment.NewLine), (noCredentials.ExitCode, noCredentials.Error));
        var noRegion = await new DeployProcess(new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "a", ["AWS_SECRET_ACCESS_KEY"] = "b" }, _workingDirectory.Path)
            .RunAsync("destroy", "-s", "x");
        Assert.Equal((2, "No AWS region: pass --region or set AWS_REGION." + Environment.NewLine), (noRegion.ExitCode, noRegion.Error));
    }
}
