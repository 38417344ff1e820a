using System.Text.Json;
using SecureLambda.Deploy.Artifacts;
using SecureLambda.Deploy.Tests.Support;
using SecureLambda.Testing;

namespace SecureLambda.Deploy.Tests.Cli;

/// <summary>
/// The whole call sequence against moto with the real template: STS, the artifact bucket, the change set, its execution,
/// the outputs, and destroy. moto's CloudFormation is a partial engine; where it departs from AWS, the assertion says
/// "moto:" and checks what moto does, never claiming it for AWS.
/// </summary>
[Collection(MotoServerGroup.Name)]
public sealed class DeployMotoTests(MotoServerFixture moto)
{
    private const string MotoAccount = "123456789012";

    private Task<JsonElement?> Aws(params string[] args) => moto.Server.AwsCliAsync(["--region", DeployerUnderTest.Region, .. args]);

    [Fact]
    public async Task DeployThenRedeployThenDestroy_RunsTheWholeSequence_WithTheRealTemplate()
    {
        using var deployer = new DeployerUnderTest(DeployerUnderTest.MotoEnvironment(moto.Server));
        var bucket = ArtifactStore.DefaultBucketName(MotoAccount, DeployerUnderTest.Region);

        var exitCode = await deployer.RunAsync(
            "deploy", "--stack-name", "full-sequence", "--region", DeployerUnderTest.Region,
            "--parameter", "WafIpRuleAction=Block", "--parameter", "AllowedCidrs=10.0.0.0/8", "--outputs-file", deployer.OutputsFile);

        Assert.True(exitCode == 0, deployer.Error.ToString() + deployer.Out);
        var output = deployer.Out.ToString();
        Assert.Contains($"Created artifact bucket {bucket}", output, StringComparison.Ordinal);
        Assert.Matches(@"Add\s+ExternalLambda1\s+AWS::Lambda::Function", output);
        Assert.Matches(@"Add\s+GreetingWebAcl\s+AWS::WAFv2::WebACL", output);
        Assert.Contains("Stack full-sequence: CREATE_COMPLETE", output, StringComparison.Ordinal);

        // The bucket carries the tag destroy looks for, and the package sits under its content-hash key.
        var tags = await Aws("s3api", "get-bucket-tagging", "--bucket", bucket);
        Assert.Contains(tags!.Value.GetProperty("TagSet").EnumerateArray(), tag =>
            tag.GetProperty("Key").GetString() == ArtifactStore.CreatedByTagKey && tag.GetProperty("Value").GetString() == ArtifactStore.CreatedByTagValue);
        var objects = await Aws("s3api", "list-objects-v2", "--bucket", bucket);
        var key = Assert.Single(objects!.Value.GetProperty("Contents").EnumerateArray()).GetProperty("Key").GetString();
        Assert.Matches("^bootstrap-[0-9a-f]{16}\\.zip$", key);

        // The change set carried the overrides and the code location.
        var stack = (await Aws("cloudformation", "describe-stacks", "--stack-name", "full-sequence"))!.Value.GetProperty("Stacks")[0];
        var parameters = stack.GetProperty("Parameters").EnumerateArray()
            .ToDictionary(p => p.GetProperty("ParameterKey").GetString()!, p => p.GetProperty("ParameterValue").GetString());
        Assert.Equal(("Block", bucket, key), (parameters["WafIpRuleAction"], parameters["CodeS3Bucket"], parameters["CodeS3Key"]));
        // moto: it echoes a CommaDelimitedList parameter as a Python list repr ("['10.0.0.0/8']"); AWS echoes "10.0.0.0/8".
        Assert.Equal("['10.0.0.0/8']", parameters["AllowedCidrs"]);

        // moto: it executes the change set in one step and records only the stack's own events, not one per resource
        // (AWS streams CREATE_IN_PROGRESS/CREATE_COMPLETE for every resource).
        Assert.Matches(@"CREATE_COMPLETE\s+AWS::CloudFormation::Stack\s+full-sequence", output);
        Assert.DoesNotMatch(@"CREATE_COMPLETE\s+AWS::Lambda::Function", output);

        // moto: its stack has no Outputs after ExecuteChangeSet (AWS would list ApiUrl, UserPool1Id, … here), so the file
        // holds the stack with no values.
        using (var outputs = JsonDocument.Parse(await File.ReadAllTextAsync(deployer.OutputsFile, TestContext.Current.CancellationToken)))
        {
            Assert.Equal(JsonValueKind.Object, outputs.RootElement.GetProperty("full-sequence").ValueKind);
            Assert.Empty(outputs.RootElement.GetProperty("full-sequence").EnumerateObject());
        }

        // The same build and parameters again: the upload is skipped.
        deployer.Out.GetStringBuilder().Clear();
        exitCode = await deployer.RunAsync(
            "deploy", "--stack-name", "full-sequence", "--region", DeployerUnderTest.Region,
            "--parameter", "WafIpRuleAction=Block", "--parameter", "AllowedCidrs=10.0.0.0/8", "--outputs-file", deployer.OutputsFile);
        Assert.True(exitCode == 0, deployer.Error.ToString() + deployer.Out);
        Assert.Contains("already holds this build: upload skipped", deployer.Out.ToString(), StringComparison.Ordinal);
        // moto: having stored AllowedCidrs as "['10.0.0.0/8']", it sees a changed parameter and answers a CREATE_COMPLETE
        // change set with zero resource changes, which executes to UPDATE_COMPLETE. AWS compares the real values and
        // FAILs the change set with "didn't contain changes", which the tool reports as "No changes" and exit 0
        // (covered against a canned reply in DeployCliCannedCloudFormationTests).
        Assert.Contains(": 0 change(s)", deployer.Out.ToString(), StringComparison.Ordinal);
        Assert.Contains("Stack full-sequence: UPDATE_COMPLETE", deployer.Out.ToString(), StringComparison.Ordinal);

        // Destroy deletes the stack and the bucket this tool created.
        deployer.Out.GetStringBuilder().Clear();
        exitCode = await deployer.RunAsync("destroy", "--stack-name", "full-sequence", "--region", DeployerUnderTest.Region);
        Assert.True(exitCode == 0, deployer.Error.ToString() + deployer.Out);
        Assert.Contains("Stack full-sequence: DELETE_COMPLETE", deployer.Out.ToString(), StringComparison.Ordinal);
        Assert.Contains($"Deleted artifact bucket {bucket}.", deployer.Out.ToString(), StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Aws("cloudformation", "describe-stacks", "--stack-name", "full-sequence"));
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        var buckets = await Aws("s3api", "list-buckets");
        Assert.DoesNotContain(buckets!.Value.GetProperty("Buckets").EnumerateArray(), b => b.GetProperty("Name").GetString() == bucket);
    }

    [Fact]
    public async Task DryRun_KeepsTheChangeSetForReview_AndExecutesNothing()
    {
        using var deployer = new DeployerUnderTest(DeployerUnderTest.MotoEnvironment(moto.Server));
        await Aws("s3api", "create-bucket", "--bucket", "dry-run-bucket", "--create-bucket-configuration", "LocationConstraint=eu-west-1");

        var exitCode = await deployer.RunAsync(
            "deploy", "--stack-name", "dry-run", "--region", DeployerUnderTest.Region, "--artifact-bucket", "dry-run-bucket", "--dry-run");

        Assert.True(exitCode == 0, deployer.Error.ToString() + deployer.Out);
        Assert.Contains("Dry run: change set securelambda-", deployer.Out.ToString(), StringComparison.Ordinal);
        var stack = (await Aws("cloudformation", "describe-stacks", "--stack-name", "dry-run"))!.Value.GetProperty("Stacks")[0];
        Assert.Equal("REVIEW_IN_PROGRESS", stack.GetProperty("StackStatus").GetString());
        var changeSets = await Aws("cloudformation", "list-change-sets", "--stack-name", "dry-run");
        // moto: ListChangeSets ignores its StackName and lists every stack's change sets, so filter here.
        var kept = Assert.Single(changeSets!.Value.GetProperty("Summaries").EnumerateArray(), summary => summary.GetProperty("StackName").GetString() == "dry-run");
        Assert.Equal("AVAILABLE", kept.GetProperty("ExecutionStatus").GetString());
        Assert.Contains(kept.GetProperty("ChangeSetName").GetString()!, deployer.Out.ToString(), StringComparison.Ordinal);

        // A bucket the tool did not create (no tag) survives destroy.
        exitCode = await deployer.RunAsync("destroy", "--stack-name", "dry-run", "--region", DeployerUnderTest.Region, "--artifact-bucket", "dry-run-bucket");
        Assert.True(exitCode == 0, deployer.Error.ToString() + deployer.Out);
        Assert.Contains("Artifact bucket dry-run-bucket was not created by this tool", deployer.Out.ToString(), StringComparison.Ordinal);
        Assert.NotNull(await Aws("s3api", "head-bucket", "--bucket", "dry-run-bucket"));
    }

    [Fact]
    public async Task InvitingUsers_FailsClearly_WhenTheStackHasNoPoolOutputs_AsOnMoto()
    {
        using var deployer = new DeployerUnderTest(DeployerUnderTest.MotoEnvironment(moto.Server));

        var exitCode = await deployer.RunAsync(
            "deploy", "--stack-name", "users", "--region", DeployerUnderTest.Region, "--artifact-bucket", "users-bucket",
            "--outputs-file", deployer.OutputsFile, "--user1-email", "ada@example.com");

        // moto: no Outputs after ExecuteChangeSet, so there is no UserPool1Id to invite into. On AWS the output exists and
        // AdminCreateUser runs; that path is listed in the README's "prove it on AWS" commands.
        Assert.Equal(1, exitCode);
        Assert.Equal("The stack has no UserPool1Id output, so ada@example.com cannot be invited." + Environment.NewLine, deployer.Error.ToString());
        Assert.Equal(0, await deployer.RunAsync("destroy", "--stack-name", "users", "--region", DeployerUnderTest.Region, "--artifact-bucket", "users-bucket"));
    }
}
