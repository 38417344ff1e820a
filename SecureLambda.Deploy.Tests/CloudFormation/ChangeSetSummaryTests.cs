using SecureLambda.Aws.CloudFormation;
using SecureLambda.Aws.Core;
using SecureLambda.Deploy.CloudFormation;
using SecureLambda.Deploy.Tests.Support;

namespace SecureLambda.Deploy.Tests.CloudFormation;

public sealed class ChangeSetSummaryTests
{
    // The shape of a DescribeChangeSet reply as the API reference documents it
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html), in two pages.
    private const string FirstPage = """
        <ChangeSetName>securelambda-20250101-120000</ChangeSetName>
        <ChangeSetId>arn:aws:cloudformation:eu-west-1:123456789012:changeSet/securelambda-20250101-120000/1</ChangeSetId>
        <StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/secure-lambda/2</StackId>
        <Status>CREATE_COMPLETE</Status>
        <ExecutionStatus>AVAILABLE</ExecutionStatus>
        <Changes>
          <member><Type>Resource</Type><ResourceChange>
            <Action>Modify</Action><LogicalResourceId>ExternalLambda1</LogicalResourceId>
            <PhysicalResourceId>secure-lambda-ExternalLambda1-abc</PhysicalResourceId>
            <ResourceType>AWS::Lambda::Function</ResourceType><Replacement>False</Replacement>
            <Scope><member>Properties</member></Scope>
          </ResourceChange></member>
          <member><Type>Resource</Type><ResourceChange>
            <Action>Modify</Action><LogicalResourceId>WafIpSetV4</LogicalResourceId>
            <ResourceType>AWS::WAFv2::IPSet</ResourceType><Replacement>Conditional</Replacement>
          </ResourceChange></member>
        </Changes>
        <NextToken>page-2</NextToken>
        """;

    private const string SecondPage = """
        <ChangeSetName>securelambda-20250101-120000</ChangeSetName>
        <Status>CREATE_COMPLETE</Status>
        <Changes>
          <member><Type>Resource</Type><ResourceChange>
            <Action>Add</Action><LogicalResourceId>ApiAccessLogGroup</LogicalResourceId>
            <ResourceType>AWS::Logs::LogGroup</ResourceType>
          </ResourceChange></member>
          <member><Type>Resource</Type><ResourceChange>
            <Action>Remove</Action><LogicalResourceId>OldQueue</LogicalResourceId>
            <ResourceType>AWS::SQS::Queue</ResourceType>
          </ResourceChange></member>
          <member><Type>Resource</Type><ResourceChange>
            <Action>Modify</Action><LogicalResourceId>GreetingApi</LogicalResourceId>
            <ResourceType>AWS::ApiGateway::RestApi</ResourceType><Replacement>True</Replacement>
          </ResourceChange></member>
        </Changes>
        """;

    [Fact]
    public async Task DescribeChangeSet_ReadsEveryPage_AndRendersOneRowPerChange()
    {
        var aws = new CannedAws((action, call) => call == 0
            ? CannedAws.Response(action, FirstPage)
            : CannedAws.Response(action, SecondPage));
        using var http = new HttpClient(aws);
        var client = new CloudFormationClient(http, OfflineContext());

        var changeSet = await client.DescribeChangeSetAsync("secure-lambda", "securelambda-20250101-120000", TestContext.Current.CancellationToken);

        Assert.Contains("NextToken=page-2", aws.Calls[1].Form, StringComparison.Ordinal);
        Assert.Equal(
            """
            Change set securelambda-20250101-120000: 5 change(s), 3 destructive (Modify WafIpSetV4, Remove OldQueue, Modify GreetingApi): executing it needs consent
            Action  LogicalResourceId  ResourceType              Replacement
            ------  -----------------  ------------------------  -----------
            Modify  ExternalLambda1    AWS::Lambda::Function     False
            Modify  WafIpSetV4         AWS::WAFv2::IPSet         Conditional
            Add     ApiAccessLogGroup  AWS::Logs::LogGroup
            Remove  OldQueue           AWS::SQS::Queue
            Modify  GreetingApi        AWS::ApiGateway::RestApi  True

            """.ReplaceLineEndings(),
            ChangeSetSummary.Render(changeSet));
    }

    internal static AwsClientContext OfflineContext() => new(
        new Deploy.Cli.DeployCredentials(new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "secret")).Provider,
        "eu-west-1",
        new AwsEndpointResolver(_ => null),
        AwsRetryPolicy.Default with { MaxAttempts = 1 },
        TimeProvider.System);

    [Fact]
    public void Destructive_LeavesOutTheSupersededApiDeployment_ButNotOtherRemovals()
    {
        var changeSet = new ChangeSetDescription("id", "cs", "stack", "CREATE_COMPLETE", null, "AVAILABLE",
        [
            new("Add", "GreetingApiDeployment0123456789", "AWS::ApiGateway::Deployment", null),
            new("Remove", "GreetingApiDeploymentabcdef0123", "AWS::ApiGateway::Deployment", null),
            new("Remove", "GreetingApiDeployment", "AWS::ApiGateway::Deployment", null),
            new("Modify", "GreetingApiStage", "AWS::ApiGateway::Stage", "False"),
        ]);

        // A deployment the tool did not name (no hash) is a real removal; a revision it named is how the stage moves on.
        Assert.Equal(["GreetingApiDeployment"], ChangeSetSummary.Destructive(changeSet).Select(change => change.LogicalResourceId));
    }
}
