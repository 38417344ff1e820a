using SecureLambda.Deploy.Cli;
using SecureLambda.Deploy.Tests.Support;
using SecureLambda.Testing;

namespace SecureLambda.Deploy.Tests.Cli;

public sealed class DeployCliTests
{
    [Fact]
    public async Task Deploy_WithoutCredentials_PrintsOneLine_AndExits2_BeforeBuildingAnything()
    {
        using var deployer = new DeployerUnderTest(new Dictionary<string, string>());

        var exitCode = await deployer.RunAsync("deploy", "--stack-name", "secure-lambda", "--region", "eu-west-1");

        Assert.Equal(2, exitCode);
        Assert.Equal(NoCredentials.Message + Environment.NewLine, deployer.Error.ToString());
        Assert.Equal(0, deployer.Packager.Builds);
    }

    [Fact]
    public async Task Deploy_WithAMistypedParameter_Exits2_BeforeAskingForCredentials()
    {
        using var deployer = new DeployerUnderTest(new Dictionary<string, string>());

        var exitCode = await deployer.RunAsync("deploy", "--stack-name", "s", "--region", "eu-west-1", "--parameter", "WafAction=Block");

        Assert.Equal(2, exitCode);
        Assert.StartsWith("Unknown template parameter(s): WafAction.", deployer.Error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("launch", "--stack-name", "s")]
    [InlineData("deploy")]
    [InlineData("deploy", "--stack-name")]
    [InlineData("deploy", "--stack-name", "s", "--colour", "red")]
    [InlineData("destroy", "--stack-name", "s", "--dry-run")]
    public void Parse_RejectsBadCommandLines_WithUsageExitCode(params string[] args) =>
        Assert.Equal(ExitCodes.Usage, Assert.Throws<DeployException>(() => CliOptions.Parse(args)).ExitCode);

    [Fact]
    public void Parse_ReadsEveryDeployOption()
    {
        var options = CliOptions.Parse(
        [
            "deploy", "--stack-name", "s", "--region", "eu-west-1", "--profile", "p", "--artifact-bucket", "b",
            "--parameter", "AllowedCidrs=1.2.3.0/24", "--parameter", "WafIpRuleAction=Block", "--dry-run",
            "--outputs-file", "o.json", "--user1-email", "a@example.com", "--user2-email", "c@example.com",
        ]);

        Assert.Equal(("deploy", "s", "eu-west-1", "p", "b"), (options.Command, options.StackName, options.Region, options.Profile, options.ArtifactBucket));
        Assert.Equal([new("AllowedCidrs", "1.2.3.0/24"), new("WafIpRuleAction", "Block")], options.Parameters);
        Assert.True(options.DryRun);
        Assert.Equal(("o.json", "a@example.com", "c@example.com"), (options.OutputsFile, options.User1Email, options.User2Email));
    }
}

/// <summary>Error paths with moto for STS and S3 and a canned CloudFormation in front of it, for states moto never reaches.</summary>
[Collection(MotoServerGroup.Name)]
public sealed class DeployCliCannedCloudFormationTests(MotoServerFixture moto)
{
    private const string StackId = "arn:aws:cloudformation:eu-west-1:123456789012:stack/secure-lambda/1";

    private static string Stack(string status) =>
        $"<Stacks><member><StackId>{StackId}</StackId><StackName>secure-lambda</StackName><StackStatus>{status}</StackStatus></member></Stacks>";

    [Fact]
    public async Task Deploy_OntoAStackInRollbackComplete_ExplainsItMustBeDeleted_AndExits1()
    {
        var aws = new CannedAws((action, _) => action == "DescribeStacks" ? CannedAws.Response(action, Stack("ROLLBACK_COMPLETE")) : null)
        {
            InnerHandler = new HttpClientHandler(),
        };
        using var deployer = new DeployerUnderTest(DeployerUnderTest.MotoEnvironment(moto.Server), aws);

        var exitCode = await deployer.RunAsync("deploy", "--stack-name", "secure-lambda", "--region", DeployerUnderTest.Region);

        Assert.Equal(1, exitCode);
        Assert.Contains("ROLLBACK_COMPLETE", deployer.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("destroy --stack-name secure-lambda --region eu-west-1", deployer.Error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, deployer.Packager.Builds);
        Assert.DoesNotContain(aws.Calls, call => call.Action == "CreateChangeSet");
    }

    [Fact]
    public async Task Deploy_WhenTheStackRollsBack_ShowsTheFirstFailedReason_AndExits1()
    {
        const string failed = """
            <member><EventId>e3</EventId><Timestamp>2025-01-01T12:00:09Z</Timestamp><LogicalResourceId>secure-lambda</LogicalResourceId><ResourceType>AWS::CloudFormation::Stack</ResourceType><ResourceStatus>ROLLBACK_COMPLETE</ResourceStatus></member>
            <member><EventId>e2</EventId><Timestamp>2025-01-01T12:00:04Z</Timestamp><LogicalResourceId>ExternalLambda1</LogicalResourceId><ResourceType>AWS::Lambda::Function</ResourceType><ResourceStatus>CREATE_FAILED</ResourceStatus><ResourceStatusReason>Error occurred while GetObject. S3 Error Code: NoSuchKey.</ResourceStatusReason></member>
            <member><EventId>e1</EventId><Timestamp>2025-01-01T12:00:00Z</Timestamp><LogicalResourceId>secure-lambda</LogicalResourceId><ResourceType>AWS::CloudFormation::Stack</ResourceType><ResourceStatus>REVIEW_IN_PROGRESS</ResourceStatus></member>
            """;
        var executed = false;
        var aws = new CannedAws((action, call) => action switch
        {
            "DescribeStacks" when !executed => CannedAws.Error("ValidationError", "Stack with id secure-lambda does not exist"),
            "DescribeStacks" => CannedAws.Response(action, Stack("ROLLBACK_COMPLETE")),
            "CreateChangeSet" => CannedAws.Response(action, $"<Id>cs-1</Id><StackId>{StackId}</StackId>"),
            "DescribeChangeSet" => CannedAws.Response(action,
                $"<ChangeSetName>cs</ChangeSetName><StackId>{StackId}</StackId><Status>CREATE_COMPLETE</Status><Changes><member><ResourceChange><Action>Add</Action><LogicalResourceId>ExternalLambda1</LogicalResourceId><ResourceType>AWS::Lambda::Function</ResourceType></ResourceChange></member></Changes>"),
            "DescribeStackEvents" when !executed => CannedAws.Response(action, "<StackEvents>" + failed[failed.IndexOf("<member><EventId>e1", StringComparison.Ordinal)..] + "</StackEvents>"),
            "DescribeStackEvents" => CannedAws.Response(action, $"<StackEvents>{failed}</StackEvents>"),
            "ExecuteChangeSet" => Execute(action),
            _ => null,
        })
        {
            InnerHandler = new HttpClientHandler(),
        };
        string Execute(string action)
        {
            executed = true;
            return CannedAws.Response(action, "");
        }

        using var deployer = new DeployerUnderTest(DeployerUnderTest.MotoEnvironment(moto.Server), aws);

        var exitCode = await deployer.RunAsync("deploy", "--stack-name", "secure-lambda", "--region", DeployerUnderTest.Region);

        Assert.Equal(1, exitCode);
        Assert.Equal(
            "Stack secure-lambda ended ROLLBACK_COMPLETE. First failure: ExternalLambda1 (AWS::Lambda::Function) CREATE_FAILED: " +
            "Error occurred while GetObject. S3 Error Code: NoSuchKey." + Environment.NewLine,
            deployer.Error.ToString());
        Assert.Contains("CREATE_FAILED", deployer.Out.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("REVIEW_IN_PROGRESS", deployer.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_WhenTheChangeSetHasNoChanges_SaysSo_DeletesIt_AndExits0()
    {
        var aws = new CannedAws((action, _) => action switch
        {
            "DescribeStacks" => CannedAws.Response(action, Stack("UPDATE_COMPLETE")),
            "CreateChangeSet" => CannedAws.Response(action, $"<Id>cs-1</Id><StackId>{StackId}</StackId>"),
            // The reason text AWS gives (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets-create.html).
            "DescribeChangeSet" => CannedAws.Response(action,
                "<ChangeSetName>cs</ChangeSetName><Status>FAILED</Status><StatusReason>The submitted information didn't contain changes. Submit different information to create a change set.</StatusReason><Changes/>"),
            "DeleteChangeSet" => CannedAws.Response(action, ""),
            _ => null,
        })
        {
            InnerHandler = new HttpClientHandler(),
        };
        using var deployer = new DeployerUnderTest(DeployerUnderTest.MotoEnvironment(moto.Server), aws);

        var exitCode = await deployer.RunAsync(
            "deploy", "--stack-name", "secure-lambda", "--region", DeployerUnderTest.Region, "--outputs-file", deployer.OutputsFile,
            "--artifact-bucket", "no-change-bucket");

        Assert.True(exitCode == 0, deployer.Error.ToString());
        Assert.Contains("No changes: stack secure-lambda is already up to date.", deployer.Out.ToString(), StringComparison.Ordinal);
        Assert.Contains(aws.Calls, call => call.Action == "DeleteChangeSet");
        Assert.DoesNotContain(aws.Calls, call => call.Action == "ExecuteChangeSet");
        Assert.True(File.Exists(deployer.OutputsFile));
    }
}
