using SecureLambda.Aws.CloudFormation;
using SecureLambda.Deploy.CloudFormation;
using SecureLambda.Deploy.Tests.Support;

namespace SecureLambda.Deploy.Tests.CloudFormation;

public sealed class StackEventWatcherTests
{
    private const string StackId = "arn:aws:cloudformation:eu-west-1:123456789012:stack/secure-lambda/1";

    private static string Event(string id, string time, string logicalId, string type, string status, string? reason = null) =>
        $"<member><EventId>{id}</EventId><StackId>{StackId}</StackId><StackName>secure-lambda</StackName><Timestamp>{time}</Timestamp>" +
        $"<LogicalResourceId>{logicalId}</LogicalResourceId><ResourceType>{type}</ResourceType><ResourceStatus>{status}</ResourceStatus>" +
        (reason is null ? "" : $"<ResourceStatusReason>{reason}</ResourceStatusReason>") + "</member>";

    private static string Stack(string status) =>
        $"<Stacks><member><StackId>{StackId}</StackId><StackName>secure-lambda</StackName><StackStatus>{status}</StackStatus></member></Stacks>";

    // A canned creation that fails: CloudFormation lists events newest first, and cancels the siblings of the failed resource.
    private static readonly string[] EventPages =
    [
        // Poll 1: the stack has started.
        Event("e2", "2025-01-01T12:00:01Z", "secure-lambda", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated") +
        Event("e1", "2025-01-01T11:00:00Z", "secure-lambda", "AWS::CloudFormation::Stack", "REVIEW_IN_PROGRESS", "User Initiated"),
        // Poll 2: the web ACL fails, then the topic's creation is cancelled, then the rollback.
        Event("e6", "2025-01-01T12:00:09Z", "secure-lambda", "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE") +
        Event("e5", "2025-01-01T12:00:06Z", "secure-lambda", "AWS::CloudFormation::Stack", "ROLLBACK_IN_PROGRESS",
            "The following resource(s) failed to create: [GreetingWebAcl, GreetingTopic].") +
        Event("e4", "2025-01-01T12:00:05Z", "GreetingTopic", "AWS::SNS::Topic", "CREATE_FAILED", "Resource creation cancelled") +
        Event("e3", "2025-01-01T12:00:04Z", "GreetingWebAcl", "AWS::WAFv2::WebACL", "CREATE_FAILED",
            "Resource handler returned message: &quot;Error reason: You exceeded your limit for WebACL&quot;") +
        Event("e2", "2025-01-01T12:00:01Z", "secure-lambda", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated") +
        Event("e1", "2025-01-01T11:00:00Z", "secure-lambda", "AWS::CloudFormation::Stack", "REVIEW_IN_PROGRESS", "User Initiated"),
    ];

    [Fact]
    public async Task Watch_PrintsOnlyNewEvents_OldestFirst_AndReportsTheFirstFailedResource()
    {
        var aws = new CannedAws((action, call) => action switch
        {
            "DescribeStacks" => CannedAws.Response(action, Stack(call == 0 ? "CREATE_IN_PROGRESS" : "ROLLBACK_COMPLETE")),
            "DescribeStackEvents" => CannedAws.Response(action, $"<StackEvents>{EventPages[Math.Min(call, 1)]}</StackEvents>"),
            _ => null,
        });
        using var http = new HttpClient(aws);
        var output = new StringWriter();
        var delays = new List<TimeSpan>();
        var watcher = new StackEventWatcher(
            new CloudFormationClient(http, ChangeSetSummaryTests.OfflineContext()),
            output,
            (delay, _) => { delays.Add(delay); return Task.CompletedTask; },
            TimeSpan.FromSeconds(5));

        var result = await watcher.WatchAsync(StackId, afterEventId: "e1", TestContext.Current.CancellationToken);

        Assert.Equal("ROLLBACK_COMPLETE", result.FinalStatus);
        Assert.False(result.Succeeded);
        Assert.Equal("GreetingWebAcl", result.FirstFailure?.LogicalResourceId);
        Assert.Equal("Resource handler returned message: \"Error reason: You exceeded your limit for WebACL\"", result.FirstFailure?.ResourceStatusReason);
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.Contains("CREATE_IN_PROGRESS", lines[0], StringComparison.Ordinal);
        Assert.Contains("GreetingWebAcl", lines[1], StringComparison.Ordinal);
        Assert.Contains("ROLLBACK_COMPLETE", lines[4], StringComparison.Ordinal);
        Assert.DoesNotContain(lines, line => line.Contains("REVIEW_IN_PROGRESS", StringComparison.Ordinal));
        Assert.Equal([TimeSpan.FromSeconds(5)], delays);
    }

    [Fact]
    public async Task Watch_CountsAStackThatNoLongerExists_AsDeleted()
    {
        var aws = new CannedAws((action, _) => CannedAws.Error("ValidationError", $"Stack with id {StackId} does not exist"));
        using var http = new HttpClient(aws);
        var watcher = new StackEventWatcher(
            new CloudFormationClient(http, ChangeSetSummaryTests.OfflineContext()), TextWriter.Null, (_, _) => Task.CompletedTask, TimeSpan.Zero);

        var result = await watcher.WatchAsync(StackId, null, TestContext.Current.CancellationToken);

        Assert.Equal("DELETE_COMPLETE", result.FinalStatus);
        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData("CREATE_COMPLETE", true)]
    [InlineData("UPDATE_ROLLBACK_COMPLETE", true)]
    [InlineData("DELETE_FAILED", true)]
    [InlineData("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", false)]
    [InlineData("REVIEW_IN_PROGRESS", false)]
    [InlineData("ROLLBACK_IN_PROGRESS", false)]
    public void IsFinal_IsTrueOnlyOutsideInProgressStates(string status, bool final) =>
        Assert.Equal(final, StackEventWatcher.IsFinal(status));
}
