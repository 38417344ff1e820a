using SecureLambda.Aws.CloudFormation;
using SecureLambda.Deploy.Cli;
using SecureLambda.Deploy.Tests.Support;
using SecureLambda.Testing;

namespace SecureLambda.Deploy.Tests.Cli;

public sealed class DeployCommandLineTests
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

    [Fact]
    public async Task Deploy_WithAValueTheTemplateRefuses_Exits2_BeforeBuildingAnything()
    {
        using var deployer = new DeployerUnderTest(new Dictionary<string, string>());

        var exitCode = await deployer.RunAsync("deploy", "-s", "s", "-r", "eu-west-1", "-p", "WafIpRuleAction=Allow");

        Assert.Equal(2, exitCode);
        Assert.Equal(
            "Invalid --parameter value: WafIpRuleAction must be one of Count, Block, not 'Allow'." + Environment.NewLine,
            deployer.Error.ToString());
        Assert.Equal(0, deployer.Packager.Builds);
    }

    [Theory]
    [InlineData("launch", "--stack-name", "s")]
    [InlineData("deploy")]
    [InlineData("deploy", "--stack-name")]
    [InlineData("deploy", "--stack-name", "s", "--colour", "red")]
    [InlineData("destroy", "--stack-name", "s", "--dry-run")]
    [InlineData("deploy", "--stack-name", "s", "--dry-run", "--execute-change-set", "c")]
    [InlineData("deploy", "--stack-name", "s", "--parameter", "NoEqualsSign")]
    public async Task BadCommandLines_ExitWithTheUsageCode_AndSayWhatIsWrong(params string[] args)
    {
        using var deployer = new DeployerUnderTest(new Dictionary<string, string>());

        var exitCode = await deployer.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.NotEmpty(deployer.Error.ToString());
        Assert.DoesNotContain("   at ", deployer.Error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deploy")]
    [InlineData("destroy")]
    public async Task Help_OnEveryCommand_ListsItsOptions(string command)
    {
        using var deployer = new DeployerUnderTest(new Dictionary<string, string>());

        Assert.Equal(0, await deployer.RunAsync(command, "--help"));
        Assert.Equal(0, await deployer.RunAsync(command, "-h"));

        var help = deployer.Out.ToString();
        foreach (var option in (string[])["--stack-name", "--region", "--profile", "--artifact-bucket", "--yes", "--verbose"])
        {
            Assert.Contains(option, help, StringComparison.Ordinal);
        }

        if (command == "deploy")
        {
            foreach (var option in (string[])["--parameter", "--dry-run", "--execute-change-set", "--outputs-file", "--template", "--bootstrap-dir", "--user1-email", "--user2-email"])
            {
                Assert.Contains(option, help, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task AnUnreadableTemplate_IsOneLine_AndTheDetailsOnlyWithVerbose()
    {
        using var deployer = new DeployerUnderTest(new Dictionary<string, string>());
        var template = Path.Combine(deployer.Temp.Path, "broken.yaml");
        await File.WriteAllTextAsync(template, "Resources: [unclosed", TestContext.Current.CancellationToken);

        Assert.Equal(2, await deployer.RunAsync("deploy", "-s", "s", "-r", "eu-west-1", "--template", template));
        var quiet = deployer.Error.ToString();
        deployer.Error.GetStringBuilder().Clear();
        Assert.Equal(2, await deployer.RunAsync("deploy", "-s", "s", "-r", "eu-west-1", "--template", template, "--verbose"));

        Assert.Single(quiet.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("The template is not valid YAML or JSON:", quiet, StringComparison.Ordinal);
        Assert.Contains("YamlDotNet", deployer.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableEndpoint_IsOneLineSayingWhatToCheck_NeverAStackTrace()
    {
        // Port 9 (discard) on loopback: nothing listens there on these machines, so the connection is refused at once.
        using var deployer = new DeployerUnderTest(new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9",
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
        });

        var exitCode = await deployer.RunAsync("deploy", "-s", "s", "-r", "eu-west-1");

        Assert.Equal(1, exitCode);
        Assert.StartsWith("Could not reach AWS:", deployer.Error.ToString(), StringComparison.Ordinal);
        Assert.Single(deployer.Error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }
}

/// <summary>Paths through states moto never reaches: moto for STS and S3, a canned CloudFormation in front of it.</summary>
[Collection(MotoServerGroup.Name)]
public sealed class DeployCliCannedCloudFormationTests(MotoServerFixture moto)
{
    private const string StackId = "arn:aws:cloudformation:eu-west-1:123456789012:stack/secure-lambda/1";

    private static string Stack(string status, bool protectedStack = false) =>
        $"<Stacks><member><StackId>{StackId}</StackId><StackName>secure-lambda</StackName><StackStatus>{status}</StackStatus><EnableTerminationProtection>{(protectedStack ? "true" : "false")}</EnableTerminationProtection></member></Stacks>";

    private static string Events(params (string Id, string Status)[] events) =>
        "<StackEvents>" + string.Concat(events.Select(e =>
            $"<member><EventId>{e.Id}</EventId><Timestamp>2025-01-01T12:00:00Z</Timestamp><LogicalResourceId>secure-lambda</LogicalResourceId><ResourceType>AWS::CloudFormation::Stack</ResourceType><ResourceStatus>{e.Status}</ResourceStatus></member>")) +
        "</StackEvents>";

    private const string AddOneFunction =
        $"<ChangeSetName>cs</ChangeSetName><StackId>{StackId}</StackId><Status>CREATE_COMPLETE</Status><Changes><member><ResourceChange><Action>Add</Action><LogicalResourceId>ExternalLambda1</LogicalResourceId><ResourceType>AWS::Lambda::Function</ResourceType></ResourceChange></member></Changes>";

    private async Task<DeployerUnderTest> DeployerAsync(CannedAws aws, ITerminal? terminal = null)
    {
        var account = await MotoAccount.CreateAsync(moto.Server);
        aws.InnerHandler = new HttpClientHandler();
        return new DeployerUnderTest(account.Environment, aws, terminal: terminal);
    }

    [Fact]
    public async Task Deploy_OntoAStackInRollbackComplete_WithoutATerminalOrYes_Exits3_AndTouchesNothing()
    {
        var aws = new CannedAws((action, _) => action == "DescribeStacks" ? CannedAws.Response(action, Stack("ROLLBACK_COMPLETE")) : null);
        using var deployer = await DeployerAsync(aws);

        var exitCode = await deployer.RunAsync("deploy", "--stack-name", "secure-lambda", "--region", DeployerUnderTest.Region);

        Assert.Equal(ExitCodes.ConsentRequired, exitCode);
        Assert.Contains("ROLLBACK_COMPLETE", deployer.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("run again with --yes", deployer.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("destroy --stack-name secure-lambda --region eu-west-1", deployer.Error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, deployer.Packager.Builds);
        Assert.DoesNotContain(aws.Calls, call => call.Action is "DeleteStack" or "CreateChangeSet");
    }

    [Fact]
    public async Task Deploy_OntoAStackInRollbackComplete_WithConsentAtTheTerminal_DeletesIt_ThenCreatesAgain()
    {
        var deleted = false;
        var aws = new CannedAws((action, call) => action switch
        {
            "DescribeStacks" when !deleted => CannedAws.Response(action, Stack("ROLLBACK_COMPLETE")),
            "DeleteStack" => Delete(action),
            "DescribeStacks" => CannedAws.Error("ValidationError", "Stack with id secure-lambda does not exist"),
            "DescribeStackEvents" => CannedAws.Response(action, deleted ? Events(("e2", "DELETE_COMPLETE"), ("e1", "ROLLBACK_COMPLETE")) : Events(("e1", "ROLLBACK_COMPLETE"))),
            "ListChangeSets" => CannedAws.Response(action, "<Summaries/>"),
            // Stop right after the CREATE change set is asked for: the recovery is what this test is about.
            "CreateChangeSet" => CannedAws.Error("ValidationError", "stop here"),
            _ => null,
        });
        string Delete(string action)
        {
            deleted = true;
            return CannedAws.Response(action, "");
        }

        var terminal = new ScriptedTerminal("y");
        using var deployer = await DeployerAsync(aws, terminal);

        var exitCode = await deployer.RunAsync("deploy", "--stack-name", "secure-lambda", "--region", DeployerUnderTest.Region);

        Assert.Equal(1, exitCode);
        Assert.Equal(1, terminal.Questions);
        Assert.Contains("Delete it and create it again? [y/N]", deployer.Out.ToString(), StringComparison.Ordinal);
        Assert.Contains("DELETE_COMPLETE", deployer.Out.ToString(), StringComparison.Ordinal);
        var create = Assert.Single(aws.Calls, call => call.Action == "CreateChangeSet");
        Assert.Contains("ChangeSetType=CREATE", create.Form, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_OntoUpdateRollbackFailed_WithYes_ContinuesTheRollback_ThenUpdates()
    {
        var continued = false;
        var aws = new CannedAws((action, _) => action switch
        {
            "DescribeStacks" => CannedAws.Response(action, Stack(continued ? "UPDATE_ROLLBACK_COMPLETE" : "UPDATE_ROLLBACK_FAILED")),
            "ContinueUpdateRollback" => Continue(action),
            "DescribeStackEvents" => CannedAws.Response(action, continued ? Events(("e2", "UPDATE_ROLLBACK_COMPLETE"), ("e1", "UPDATE_ROLLBACK_FAILED")) : Events(("e1", "UPDATE_ROLLBACK_FAILED"))),
            "ListChangeSets" => CannedAws.Response(action, "<Summaries/>"),
            "CreateChangeSet" => CannedAws.Error("ValidationError", "stop here"),
            _ => null,
        });
        string Continue(string action)
        {
            continued = true;
            return CannedAws.Response(action, "");
        }

        using var deployer = await DeployerAsync(aws);

        var exitCode = await deployer.RunAsync("deploy", "--stack-name", "secure-lambda", "--region", DeployerUnderTest.Region, "--yes");

        Assert.Equal(1, exitCode);
        Assert.Single(aws.Calls, call => call.Action == "ContinueUpdateRollback");
        Assert.Contains("ChangeSetType=UPDATE", Assert.Single(aws.Calls, call => call.Action == "CreateChangeSet").Form, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_WhenTheStackRollsBack_ShowsTheFirstFailedReason_AndWhatToDo_AndExits1()
    {
        const string failed = """
            <member><EventId>e3</EventId><Timestamp>2025-01-01T12:00:09Z</Timestamp><LogicalResourceId>secure-lambda</LogicalResourceId><ResourceType>AWS::CloudFormation::Stack</ResourceType><ResourceStatus>ROLLBACK_COMPLETE</ResourceStatus></member>
            <member><EventId>e2</EventId><Timestamp>2025-01-01T12:00:04Z</Timestamp><LogicalResourceId>ExternalLambda1</LogicalResourceId><ResourceType>AWS::Lambda::Function</ResourceType><ResourceStatus>CREATE_FAILED</ResourceStatus><ResourceStatusReason>Error occurred while GetObject. S3 Error Code: NoSuchKey.</ResourceStatusReason></member>
            <member><EventId>e1</EventId><Timestamp>2025-01-01T12:00:00Z</Timestamp><LogicalResourceId>secure-lambda</LogicalResourceId><ResourceType>AWS::CloudFormation::Stack</ResourceType><ResourceStatus>REVIEW_IN_PROGRESS</ResourceStatus></member>
            """;
        var executed = false;
        var aws = new CannedAws((action, _) => action switch
        {
            "DescribeStacks" when !executed => CannedAws.Error("ValidationError", "Stack with id secure-lambda does not exist"),
            "DescribeStacks" => CannedAws.Response(action, Stack("ROLLBACK_COMPLETE")),
            "ListChangeSets" => CannedAws.Error("ValidationError", "Stack with id secure-lambda does not exist"),
            "CreateChangeSet" => CannedAws.Response(action, $"<Id>cs-1</Id><StackId>{StackId}</StackId>"),
            "DescribeChangeSet" => CannedAws.Response(action, AddOneFunction),
            "DescribeStackEvents" when !executed => CannedAws.Response(action, "<StackEvents>" + failed[failed.IndexOf("<member><EventId>e1", StringComparison.Ordinal)..] + "</StackEvents>"),
            "DescribeStackEvents" => CannedAws.Response(action, $"<StackEvents>{failed}</StackEvents>"),
            "ExecuteChangeSet" => Execute(action),
            _ => null,
        });
        string Execute(string action)
        {
            executed = true;
            return CannedAws.Response(action, "");
        }

        using var deployer = await DeployerAsync(aws);

        var exitCode = await deployer.RunAsync("deploy", "--stack-name", "secure-lambda", "--region", DeployerUnderTest.Region);

        Assert.Equal(1, exitCode);
        Assert.Equal(
            "Stack secure-lambda ended ROLLBACK_COMPLETE. First failure: ExternalLambda1 (AWS::Lambda::Function) CREATE_FAILED: " +
            "Error occurred while GetObject. S3 Error Code: NoSuchKey. Fix the cause, then deploy again: the tool offers to delete the failed stack first " +
            "(or run destroy --stack-name secure-lambda --region eu-west-1)." + Environment.NewLine,
            deployer.Error.ToString());
        Assert.Contains("CREATE_FAILED", deployer.Out.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("REVIEW_IN_PROGRESS", deployer.Out.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(aws.Calls, call => call.Action == "UpdateTerminationProtection");
    }

    [Fact]
    public async Task Deploy_WhenTheChangeSetHasNoChanges_SaysSo_DeletesIt_AndExits0()
    {
        var aws = new CannedAws((action, _) => action switch
        {
            "DescribeStacks" => CannedAws.Response(action, Stack("UPDATE_COMPLETE")),
            "ListChangeSets" => CannedAws.Response(action, "<Summaries/>"),
            "CreateChangeSet" => CannedAws.Response(action, $"<Id>cs-1</Id><StackId>{StackId}</StackId>"),
            // The reason text AWS gives (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets-create.html).
            "DescribeChangeSet" => CannedAws.Response(action,
                "<ChangeSetName>cs</ChangeSetName><Status>FAILED</Status><StatusReason>The submitted information didn't contain changes. Submit different information to create a change set.</StatusReason><Changes/>"),
            "DeleteChangeSet" => CannedAws.Response(action, ""),
            _ => null,
        });
        using var deployer = await DeployerAsync(aws);

        var exitCode = await deployer.RunAsync("deploy", "--stack-name", "secure-lambda", "--region", DeployerUnderTest.Region, "--outputs-file", deployer.OutputsFile);

        Assert.True(exitCode == 0, deployer.Error.ToString());
        Assert.Contains("No changes: stack secure-lambda is already up to date.", deployer.Out.ToString(), StringComparison.Ordinal);
        Assert.Single(aws.Calls, call => call.Action == "DeleteChangeSet");
        Assert.DoesNotContain(aws.Calls, call => call.Action == "ExecuteChangeSet");
        Assert.True(File.Exists(deployer.OutputsFile));
    }

    [Fact]
    public async Task Deploy_PrintsEachApiKeysId_AndTheCommandThatRevealsItsValue_AndTheOutputsFileHoldsOnlyTheIds()
    {
        const string outputs = "<Outputs><member><OutputKey>ClientApp1ApiKeyId</OutputKey><OutputValue>a1b2c3d4e5</OutputValue></member>" +
            "<member><OutputKey>ClientApp2ApiKeyId</OutputKey><OutputValue>f6g7h8i9j0</OutputValue></member></Outputs>";
        var aws = new CannedAws((action, _) => action switch
        {
            "DescribeStacks" => CannedAws.Response(action, Stack("UPDATE_COMPLETE").Replace("</member></Stacks>", outputs + "</member></Stacks>", StringComparison.Ordinal)),
            "ListChangeSets" => CannedAws.Response(action, "<Summaries/>"),
            "CreateChangeSet" => CannedAws.Error("ValidationError", "No updates are to be performed."),
            _ => null,
        });
        using var deployer = await DeployerAsync(aws);

        var exitCode = await deployer.RunAsync("deploy", "--stack-name", "secure-lambda", "--region", DeployerUnderTest.Region, "--outputs-file", deployer.OutputsFile);

        Assert.True(exitCode == 0, deployer.Error.ToString());
        var output = deployer.Out.ToString();
        Assert.Contains("API key ClientApp1ApiKeyId = a1b2c3d4e5; its value: `aws apigateway get-api-key --api-key a1b2c3d4e5 --include-value --region eu-west-1 --query value --output text`", output, StringComparison.Ordinal);
        Assert.Contains("API key ClientApp2ApiKeyId = f6g7h8i9j0; its value: `aws apigateway get-api-key --api-key f6g7h8i9j0 --include-value", output, StringComparison.Ordinal);
        using var file = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(deployer.OutputsFile, TestContext.Current.CancellationToken));
        Assert.Equal(
            [("ClientApp1ApiKeyId", "a1b2c3d4e5"), ("ClientApp2ApiKeyId", "f6g7h8i9j0")],
            file.RootElement.GetProperty("secure-lambda").EnumerateObject().Select(property => (property.Name, property.Value.GetString())));
        // The tool never asks for a key's value.
        Assert.DoesNotContain(aws.Calls, call => call.Form.Contains("apikeys", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void TheTemplatesApiKeyOutputs_AreTheOnesThatRefAnApiKey()
    {
        var template = SecureLambda.CloudFormation.CloudFormationTemplate.Parse(Repository.TemplateText, "secure-lambda.yaml");

        Assert.Equal(["ClientApp1ApiKeyId", "ClientApp2ApiKeyId"], SecureLambda.Deploy.Stacks.StackDeployer.ApiKeyOutputs(template));
    }

    [Fact]
    public async Task FirstDeploy_TurnsOnTerminationProtection_OnceTheStackExists()
    {
        var executed = false;
        var aws = new CannedAws((action, _) => action switch
        {
            "DescribeStacks" when !executed => CannedAws.Error("ValidationError", "Stack with id secure-lambda does not exist"),
            "DescribeStacks" => CannedAws.Response(action, Stack("CREATE_COMPLETE", protectedStack: true)),
            "ListChangeSets" => CannedAws.Response(action, "<Summaries/>"),
            "CreateChangeSet" => CannedAws.Response(action, $"<Id>cs-1</Id><StackId>{StackId}</StackId>"),
            "DescribeChangeSet" => CannedAws.Response(action, AddOneFunction),
            "DescribeStackEvents" => CannedAws.Response(action, executed ? Events(("e2", "CREATE_COMPLETE"), ("e1", "REVIEW_IN_PROGRESS")) : Events(("e1", "REVIEW_IN_PROGRESS"))),
            "ExecuteChangeSet" => Execute(action),
            "UpdateTerminationProtection" => CannedAws.Response(action, $"<StackId>{StackId}</StackId>"),
            _ => null,
        });
        string Execute(string action)
        {
            executed = true;
            return CannedAws.Response(action, "");
        }

        using var deployer = await DeployerAsync(aws);

        var exitCode = await deployer.RunAsync("deploy", "-s", "secure-lambda", "-r", DeployerUnderTest.Region, "-o", deployer.OutputsFile);

        Assert.True(exitCode == 0, deployer.Error.ToString());
        var protection = Assert.Single(aws.Calls, call => call.Action == "UpdateTerminationProtection");
        Assert.Contains("EnableTerminationProtection=true", protection.Form, StringComparison.Ordinal);
        Assert.True(aws.Calls.ToList().FindIndex(call => call.Action == "ExecuteChangeSet") < aws.Calls.ToList().FindIndex(call => call.Action == "UpdateTerminationProtection"));
    }

    [Fact]
    public async Task Destroy_OfAProtectedStack_AsksFirst_ThenTurnsProtectionOff_BeforeDeleting()
    {
        var deleted = false;
        string? Script(string action, int _) => action switch
        {
            "DescribeStacks" when !deleted => CannedAws.Response(action, Stack("UPDATE_COMPLETE", protectedStack: true)),
            "DescribeStacks" => CannedAws.Error("ValidationError", "Stack with id secure-lambda does not exist"),
            "UpdateTerminationProtection" => CannedAws.Response(action, $"<StackId>{StackId}</StackId>"),
            "DeleteStack" => Delete(action),
            "DescribeStackEvents" => CannedAws.Response(action, deleted ? Events(("e2", "DELETE_COMPLETE"), ("e1", "UPDATE_COMPLETE")) : Events(("e1", "UPDATE_COMPLETE"))),
            _ => null,
        };
        string Delete(string action)
        {
            deleted = true;
            return CannedAws.Response(action, "");
        }

        var declinedAws = new CannedAws(Script);
        using (var deployer = await DeployerAsync(declinedAws, new ScriptedTerminal("n")))
        {
            Assert.Equal(ExitCodes.ConsentRequired, await deployer.RunAsync("destroy", "-s", "secure-lambda", "-r", DeployerUnderTest.Region));
            Assert.Contains("termination protection on", deployer.Out.ToString(), StringComparison.Ordinal);
            Assert.Equal("Declined. Nothing was deleted." + Environment.NewLine, deployer.Error.ToString());
            Assert.DoesNotContain(declinedAws.Calls, call => call.Action is "UpdateTerminationProtection" or "DeleteStack");
        }

        var acceptedAws = new CannedAws(Script);
        using (var deployer = await DeployerAsync(acceptedAws, new ScriptedTerminal("yes")))
        {
            Assert.Equal(0, await deployer.RunAsync("destroy", "-s", "secure-lambda", "-r", DeployerUnderTest.Region));
        }

        var calls = acceptedAws.Calls.Select(call => call.Action).ToList();
        Assert.Contains("EnableTerminationProtection=false", Assert.Single(acceptedAws.Calls, call => call.Action == "UpdateTerminationProtection").Form, StringComparison.Ordinal);
        Assert.True(calls.IndexOf("UpdateTerminationProtection") < calls.IndexOf("DeleteStack"));
    }

    [Fact]
    public async Task InterruptedWhileTheChangeSetIsBeingCreated_DeletesIt_AndSaysNothingWasExecuted()
    {
        using var interrupt = new CancellationTokenSource();
        var aws = new CannedAws((action, _) => action switch
        {
            "DescribeStacks" => CannedAws.Response(action, Stack("UPDATE_COMPLETE")),
            "ListChangeSets" => CannedAws.Response(action, "<Summaries/>"),
            "CreateChangeSet" => CannedAws.Response(action, $"<Id>cs-1</Id><StackId>{StackId}</StackId>"),
            "DescribeChangeSet" => Interrupt(action),
            "DeleteChangeSet" => CannedAws.Response(action, ""),
            _ => null,
        });
        string Interrupt(string action)
        {
            interrupt.Cancel(); // Ctrl+C while CloudFormation computes the change set.
            return CannedAws.Response(action, "<ChangeSetName>cs</ChangeSetName><Status>CREATE_IN_PROGRESS</Status>");
        }

        using var deployer = await DeployerAsync(aws);

        var exitCode = await deployer.RunAsync(interrupt.Token, "deploy", "-s", "secure-lambda", "-r", DeployerUnderTest.Region);

        Assert.Equal(ExitCodes.Interrupted, exitCode);
        Assert.StartsWith("Interrupted while creating change set securelambda-", deployer.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("the change set was deleted and nothing was executed", deployer.Error.ToString(), StringComparison.Ordinal);
        var created = Assert.Single(aws.Calls, call => call.Action == "CreateChangeSet").Form;
        var name = created.Split('&').Single(field => field.StartsWith("ChangeSetName=", StringComparison.Ordinal));
        Assert.Contains(name, Assert.Single(aws.Calls, call => call.Action == "DeleteChangeSet").Form, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterruptedWhileExecuting_SaysCloudFormationGoesOn_AndTheNextRunWaitsForIt()
    {
        using var interrupt = new CancellationTokenSource();
        var executed = false;
        var aws = new CannedAws((action, _) => action switch
        {
            "DescribeStacks" => CannedAws.Response(action, Stack(executed ? "UPDATE_IN_PROGRESS" : "UPDATE_COMPLETE")),
            "ListChangeSets" => CannedAws.Response(action, "<Summaries/>"),
            "CreateChangeSet" => CannedAws.Response(action, $"<Id>cs-1</Id><StackId>{StackId}</StackId>"),
            "DescribeChangeSet" => CannedAws.Response(action, AddOneFunction),
            "DescribeStackEvents" => CannedAws.Response(action, Events(("e1", "UPDATE_COMPLETE"))),
            "ExecuteChangeSet" => Execute(action),
            _ => null,
        });
        string Execute(string action)
        {
            executed = true;
            interrupt.Cancel(); // Ctrl+C while the stack events stream.
            return CannedAws.Response(action, "");
        }

        using var deployer = await DeployerAsync(aws);

        var exitCode = await deployer.RunAsync(interrupt.Token, "deploy", "-s", "secure-lambda", "-r", DeployerUnderTest.Region);

        Assert.Equal(ExitCodes.Interrupted, exitCode);
        Assert.StartsWith("Interrupted while executing change set cs:", deployer.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("CloudFormation goes on with it. Run the same deploy again to follow it", deployer.Error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(aws.Calls, call => call.Action == "DeleteChangeSet");
    }
}
