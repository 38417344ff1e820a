using System.Text.Json;
using SecureLambda.Deploy.Artifacts;
using SecureLambda.Deploy.Tests.Support;
using SecureLambda.Testing;

namespace SecureLambda.Deploy.Tests.Cli;

/// <summary>
/// The whole call sequence against moto with the real template, each test in an AWS account of its own: STS, the
/// artifact bucket and its guards, the change set, its execution, the outputs, and destroy. moto's CloudFormation is a
/// partial engine; where it departs from AWS, the assertion says "moto:" and checks what moto does, never claiming it for
/// AWS.
/// </summary>
[Collection(MotoServerGroup.Name)]
public sealed class DeployMotoTests(MotoServerFixture moto)
{
    private const string Region = DeployerUnderTest.Region;

    [Fact]
    public async Task DeployThenRedeployThenDestroy_RunsTheWholeSequence_WithTheRealTemplate()
    {
        var account = await MotoAccount.CreateAsync(moto.Server);
        using var deployer = new DeployerUnderTest(account.Environment);
        var bucket = ArtifactBucket.DefaultName(account.AccountId, Region);

        var exitCode = await deployer.RunAsync(
            "deploy", "--stack-name", "full-sequence", "--region", Region,
            "--parameter", "WafIpRuleAction=Block", "--parameter", "AllowedCidrs=10.0.0.0/8", "--outputs-file", deployer.OutputsFile);

        Assert.True(exitCode == 0, deployer.Error.ToString() + deployer.Out);
        var output = deployer.Out.ToString();
        Assert.Contains($"Account {account.AccountId}, region {Region}", output, StringComparison.Ordinal);
        Assert.Contains($"Created artifact bucket {bucket}", output, StringComparison.Ordinal);
        Assert.Matches(@"Add\s+ExternalLambda1\s+AWS::Lambda::Function", output);
        Assert.Matches(@"Add\s+GreetingApiDeployment[0-9a-f]{10}\s+AWS::ApiGateway::Deployment", output);
        Assert.Contains("Stack full-sequence: CREATE_COMPLETE", output, StringComparison.Ordinal);

        // The bucket carries the tag destroy looks for, and is locked down.
        var tags = await account.AwsAsync("s3api", "get-bucket-tagging", "--bucket", bucket);
        Assert.Contains(tags!.Value.GetProperty("TagSet").EnumerateArray(), tag =>
            tag.GetProperty("Key").GetString() == ArtifactBucket.CreatedByTagKey && tag.GetProperty("Value").GetString() == ArtifactBucket.CreatedByTagValue);
        await AssertLockedDownAsync(account, bucket);

        // The package sits in the stack's folder under its SHA-256, with S3's own checksum of it, and the stack pins its
        // version. The template, past CloudFormation's inline limit, sits beside it under its own SHA-256.
        var versions = (await account.AwsAsync("s3api", "list-object-versions", "--bucket", bucket))!.Value.GetProperty("Versions").EnumerateArray().ToList();
        Assert.Equal(2, versions.Count);
        var version = Assert.Single(versions, entry => entry.GetProperty("Key").GetString()!.EndsWith(".zip", StringComparison.Ordinal));
        var key = version.GetProperty("Key").GetString()!;
        Assert.Matches("^full-sequence/bootstrap-[0-9a-f]{16}\\.zip$", key);
        var templateKey = Assert.Single(versions, entry => entry.GetProperty("Key").GetString()!.EndsWith(".yaml", StringComparison.Ordinal)).GetProperty("Key").GetString()!;
        Assert.Matches("^full-sequence/template-[0-9a-f]{16}\\.yaml$", templateKey);
        var head = await account.AwsAsync("s3api", "head-object", "--bucket", bucket, "--key", key, "--checksum-mode", "ENABLED");
        Assert.Equal(deployer.Packager.Last!.Sha256Base64, head!.Value.GetProperty("ChecksumSHA256").GetString());

        var stack = (await account.AwsAsync("cloudformation", "describe-stacks", "--stack-name", "full-sequence"))!.Value.GetProperty("Stacks")[0];
        var parameters = stack.GetProperty("Parameters").EnumerateArray()
            .ToDictionary(p => p.GetProperty("ParameterKey").GetString()!, p => p.GetProperty("ParameterValue").GetString());
        Assert.Equal(
            ("Block", bucket, key, version.GetProperty("VersionId").GetString()),
            (parameters["WafIpRuleAction"], parameters["CodeS3Bucket"], parameters["CodeS3Key"], parameters["CodeS3ObjectVersion"]));
        // moto: it echoes a CommaDelimitedList parameter as a Python list repr ("['10.0.0.0/8']"); AWS echoes "10.0.0.0/8".
        Assert.Equal("['10.0.0.0/8']", parameters["AllowedCidrs"]);

        // moto: it executes the change set in one step and records only the stack's own events.
        Assert.Matches(@"CREATE_COMPLETE\s+AWS::CloudFormation::Stack\s+full-sequence", output);
        // moto: no UpdateTerminationProtection (it answers 500), so the tool warns and the deploy still succeeds.
        Assert.Contains("WARNING: could not turn on termination protection for full-sequence", output, StringComparison.Ordinal);

        // moto: its stack has no Outputs after ExecuteChangeSet, so the file holds the stack with no values.
        using (var outputs = JsonDocument.Parse(await File.ReadAllTextAsync(deployer.OutputsFile, TestContext.Current.CancellationToken)))
        {
            Assert.Empty(outputs.RootElement.GetProperty("full-sequence").EnumerateObject());
        }

        // The same build and parameters again: the upload is skipped after the SHA-256 check, and the API keeps its revision.
        deployer.Out.GetStringBuilder().Clear();
        exitCode = await deployer.RunAsync("deploy", "--stack-name", "full-sequence", "--region", Region, "--outputs-file", deployer.OutputsFile);
        Assert.True(exitCode == 0, deployer.Error.ToString() + deployer.Out);
        Assert.Contains("already holds this build (SHA-256 checked): upload skipped", deployer.Out.ToString(), StringComparison.Ordinal);
        Assert.Contains("Template: unchanged since the last deploy; the change set uses the stack's own.", deployer.Out.ToString(), StringComparison.Ordinal);
        Assert.Contains("No changes: stack full-sequence is already up to date.", deployer.Out.ToString(), StringComparison.Ordinal);

        // Destroy deletes the stack, this stack's artifacts, and the bucket this tool created once it is empty.
        deployer.Out.GetStringBuilder().Clear();
        exitCode = await deployer.RunAsync("destroy", "--stack-name", "full-sequence", "--region", Region, "--yes");
        Assert.True(exitCode == 0, deployer.Error.ToString() + deployer.Out);
        Assert.Contains("Stack full-sequence: DELETE_COMPLETE", deployer.Out.ToString(), StringComparison.Ordinal);
        Assert.Contains($"Deleted artifact bucket {bucket}: no other stack's artifacts were in it.", deployer.Out.ToString(), StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => account.AwsAsync("cloudformation", "describe-stacks", "--stack-name", "full-sequence"));
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        var buckets = await account.AwsAsync("s3api", "list-buckets");
        Assert.DoesNotContain(buckets!.Value.GetProperty("Buckets").EnumerateArray(), b => b.GetProperty("Name").GetString() == bucket);
    }

    [Fact]
    public async Task DryRun_KeepsTheChangeSet_TheNextDeployReplacesIt_OrExecutesIt()
    {
        var account = await MotoAccount.CreateAsync(moto.Server);
        using var deployer = new DeployerUnderTest(account.Environment);

        Assert.Equal(0, await deployer.RunAsync("deploy", "-s", "dry-run", "-r", Region, "--dry-run"));
        Assert.Contains("Dry run: change set securelambda-", deployer.Out.ToString(), StringComparison.Ordinal);
        var stack = (await account.AwsAsync("cloudformation", "describe-stacks", "--stack-name", "dry-run"))!.Value.GetProperty("Stacks")[0];
        Assert.Equal("REVIEW_IN_PROGRESS", stack.GetProperty("StackStatus").GetString());
        var first = Assert.Single(await account.AvailableChangeSetsAsync("dry-run"));
        Assert.Contains(first, deployer.Out.ToString(), StringComparison.Ordinal);

        // A second dry run replaces the first: one change set pending, never a pile of them.
        Assert.Equal(0, await deployer.RunAsync("deploy", "-s", "dry-run", "-r", Region, "--dry-run"));
        Assert.Contains($"Replaced change set {first} (created", deployer.Out.ToString(), StringComparison.Ordinal);
        var second = Assert.Single(await account.AvailableChangeSetsAsync("dry-run"));
        Assert.NotEqual(first, second);

        // The kept change set is executed as reviewed, without building a new one.
        var builds = deployer.Packager.Builds;
        Assert.Equal(0, await deployer.RunAsync("deploy", "-s", "dry-run", "-r", Region, "--execute-change-set", second, "-o", deployer.OutputsFile));
        Assert.Equal(builds, deployer.Packager.Builds);
        Assert.Contains("Stack dry-run: CREATE_COMPLETE", deployer.Out.ToString(), StringComparison.Ordinal);
        Assert.Empty(await account.AvailableChangeSetsAsync("dry-run"));

        // Asking for one that is not pending is a usage error that names what is.
        Assert.Equal(2, await deployer.RunAsync("deploy", "-s", "dry-run", "-r", Region, "--execute-change-set", second));
        Assert.Contains("has no change set", deployer.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvitingUsers_FailsClearly_WhenTheStackHasNoPoolOutputs_AsOnMoto()
    {
        var account = await MotoAccount.CreateAsync(moto.Server);
        using var deployer = new DeployerUnderTest(account.Environment);

        var exitCode = await deployer.RunAsync(
            "deploy", "--stack-name", "users", "--region", Region, "--outputs-file", deployer.OutputsFile, "--user1-email", "ada@example.com");

        // moto: no Outputs after ExecuteChangeSet, so there is no UserPool1Id to invite into. On AWS the output exists and
        // AdminCreateUser runs; that path is listed in the README's "prove it on AWS" commands.
        Assert.Equal(1, exitCode);
        Assert.Equal("The stack has no UserPool1Id output, so ada@example.com cannot be invited." + Environment.NewLine, deployer.Error.ToString());
    }

    // Bucket Monopoly: another account creates the predictable default bucket before us, hoping to serve its bootstrap.
    [Fact]
    public async Task ServeForeignCode_ThroughASquattedDefaultBucket_IsRefused_AndNothingIsUploaded()
    {
        var victim = await MotoAccount.CreateAsync(moto.Server);
        var squatter = await MotoAccount.CreateAsync(moto.Server);
        var bucket = ArtifactBucket.DefaultName(victim.AccountId, Region);
        await squatter.AwsAsync("s3api", "create-bucket", "--bucket", bucket, "--create-bucket-configuration", $"LocationConstraint={Region}");
        using var deployer = new DeployerUnderTest(victim.Environment);

        var exitCode = await deployer.RunAsync("deploy", "-s", "squatted", "-r", Region);

        Assert.Equal(1, exitCode);
        Assert.Equal(
            $"Artifact bucket {bucket} exists but belongs to another AWS account: nothing was uploaded. Pass --artifact-bucket with a bucket of your own account." + Environment.NewLine,
            deployer.Error.ToString());
        Assert.False((await squatter.AwsAsync("s3api", "list-objects-v2", "--bucket", bucket))?.TryGetProperty("Contents", out _) ?? false);
        // And destroy leaves the other account's bucket alone.
        Assert.Equal(0, await deployer.RunAsync("destroy", "-s", "squatted", "-r", Region, "--yes"));
        Assert.Contains($"Artifact bucket {bucket} belongs to another AWS account: left alone.", deployer.Out.ToString(), StringComparison.Ordinal);
        Assert.NotNull(await squatter.AwsAsync("s3api", "head-bucket", "--bucket", bucket));
    }

    [Fact]
    public async Task AGivenBucket_ThatIsNotLockedDown_IsRefused_NamingEachMissingSetting()
    {
        var account = await MotoAccount.CreateAsync(moto.Server);
        await account.AwsAsync("s3api", "create-bucket", "--bucket", $"plain-{account.AccountId}", "--create-bucket-configuration", $"LocationConstraint={Region}");
        using var deployer = new DeployerUnderTest(account.Environment);

        var exitCode = await deployer.RunAsync("deploy", "-s", "unchecked", "-r", Region, "--artifact-bucket", $"plain-{account.AccountId}");

        Assert.Equal(1, exitCode);
        var message = deployer.Error.ToString();
        Assert.StartsWith($"Artifact bucket plain-{account.AccountId} is not locked down: ", message, StringComparison.Ordinal);
        foreach (var missing in (string[])["object ownership is not BucketOwnerEnforced", "the public access block is not fully on", "versioning is not enabled"])
        {
            Assert.Contains(missing, message, StringComparison.Ordinal);
        }

        // Built (the bucket is checked after packaging), but nothing was uploaded.
        Assert.Equal(1, deployer.Packager.Builds);
        Assert.False((await account.AwsAsync("s3api", "list-objects-v2", "--bucket", $"plain-{account.AccountId}"))?.TryGetProperty("Contents", out _) ?? false);
    }

    [Fact]
    public async Task AGivenBucket_ThatDoesNotExist_IsNotCreated()
    {
        var account = await MotoAccount.CreateAsync(moto.Server);
        using var deployer = new DeployerUnderTest(account.Environment);

        Assert.Equal(1, await deployer.RunAsync("deploy", "-s", "given", "-r", Region, "--artifact-bucket", $"missing-{account.AccountId}"));
        Assert.StartsWith($"Artifact bucket missing-{account.AccountId} does not exist.", deployer.Error.ToString(), StringComparison.Ordinal);
    }

    // Someone with write access swaps the object under our content-addressed name, hoping the tool skips the upload.
    [Fact]
    public async Task SwapTheCode_UnderTheBuildsObjectName_IsRefused_BecauseItsSha256Differs()
    {
        var account = await MotoAccount.CreateAsync(moto.Server);
        using var deployer = new DeployerUnderTest(account.Environment);
        Assert.Equal(0, await deployer.RunAsync("deploy", "-s", "swapped", "-r", Region, "-o", deployer.OutputsFile));
        var bucket = ArtifactBucket.DefaultName(account.AccountId, Region);
        var key = $"swapped/{deployer.Packager.Last!.ObjectName}";
        var evil = Path.Combine(deployer.Temp.Path, "evil.zip");
        await File.WriteAllTextAsync(evil, "not our bootstrap", TestContext.Current.CancellationToken);
        await account.AwsAsync("s3api", "put-object", "--bucket", bucket, "--key", key, "--body", evil);

        var exitCode = await deployer.RunAsync("deploy", "-s", "swapped", "-r", Region, "-o", deployer.OutputsFile);

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"s3://{bucket}/{key} already exists with SHA-256 ", deployer.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains($"not this build's {deployer.Packager.Last.Sha256Base64}", deployer.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDenyNonTlsPolicy_RefusesPlainHttp_AsS3EvaluatesIt()
    {
        var account = await MotoAccount.CreateAsync(moto.Server);
        var bucket = $"tls-only-{account.AccountId}";
        await account.AwsAsync("s3api", "create-bucket", "--bucket", bucket, "--create-bucket-configuration", $"LocationConstraint={Region}");
        var body = Path.Combine(Path.GetTempPath(), $"tls-{account.AccountId}.txt");
        await File.WriteAllTextAsync(body, "x", TestContext.Current.CancellationToken);
        try
        {
            await account.AwsAsync("s3api", "put-object", "--bucket", bucket, "--key", "before", "--body", body);

            await account.AwsAsync("s3api", "put-bucket-policy", "--bucket", bucket, "--policy", ArtifactBucket.DenyInsecureTransportPolicy(bucket));

            // moto evaluates aws:SecureTransport like S3: over its plain-HTTP endpoint, every request is now denied.
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => account.AwsAsync("s3api", "put-object", "--bucket", bucket, "--key", "after", "--body", body));
            Assert.Contains("Forbidden", refused.Message, StringComparison.Ordinal);
            Assert.True(ArtifactBucket.DeniesInsecureTransport(ArtifactBucket.DenyInsecureTransportPolicy(bucket)));
        }
        finally
        {
            File.Delete(body);
        }
    }

    [Fact]
    public async Task Destroy_RemovesOnlyItsOwnStacksArtifacts_AndKeepsABucketAnotherStackStillUses()
    {
        var account = await MotoAccount.CreateAsync(moto.Server);
        var bucket = ArtifactBucket.DefaultName(account.AccountId, Region);
        using var first = new DeployerUnderTest(account.Environment);
        using var second = new DeployerUnderTest(account.Environment);
        Assert.Equal(0, await first.RunAsync("deploy", "-s", "stack-a", "-r", Region, "-o", first.OutputsFile));
        Assert.Equal(0, await second.RunAsync("deploy", "-s", "stack-b", "-r", Region, "-o", second.OutputsFile));

        Assert.Equal(0, await first.RunAsync("destroy", "-s", "stack-a", "-r", Region, "--yes"));

        Assert.Contains($"Kept artifact bucket {bucket}: it still holds artifacts of stack-b.", first.Out.ToString(), StringComparison.Ordinal);
        var keys = (await account.AwsAsync("s3api", "list-object-versions", "--bucket", bucket))!.Value.GetProperty("Versions").EnumerateArray()
            .Select(v => v.GetProperty("Key").GetString()).ToList();
        Assert.All(keys, k => Assert.StartsWith("stack-b/", k, StringComparison.Ordinal));
        Assert.NotEmpty(keys);
    }

    private static async Task AssertLockedDownAsync(MotoAccount account, string bucket)
    {
        var ownership = await account.AwsAsync("s3api", "get-bucket-ownership-controls", "--bucket", bucket);
        Assert.Equal("BucketOwnerEnforced", ownership!.Value.GetProperty("OwnershipControls").GetProperty("Rules")[0].GetProperty("ObjectOwnership").GetString());
        var block = (await account.AwsAsync("s3api", "get-public-access-block", "--bucket", bucket))!.Value.GetProperty("PublicAccessBlockConfiguration");
        Assert.All((string[])["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"], name => Assert.True(block.GetProperty(name).GetBoolean(), name));
        var encryption = await account.AwsAsync("s3api", "get-bucket-encryption", "--bucket", bucket);
        Assert.Equal("AES256", encryption!.Value.GetProperty("ServerSideEncryptionConfiguration").GetProperty("Rules")[0].GetProperty("ApplyServerSideEncryptionByDefault").GetProperty("SSEAlgorithm").GetString());
        Assert.Equal("Enabled", (await account.AwsAsync("s3api", "get-bucket-versioning", "--bucket", bucket))!.Value.GetProperty("Status").GetString());
        // moto's endpoint is plain HTTP, where a deny-non-TLS policy would refuse the tool itself: left out there, and said
        // (TheDenyNonTlsPolicy_RefusesPlainHttp_AsS3EvaluatesIt proves the policy the tool writes on HTTPS endpoints).
    }
}
