using System.Net;
using Aspire.Hosting.ApplicationModel;
using static SecureLambda.IntegrationTests.AppHost.SecureLambdaApp;

namespace SecureLambda.IntegrationTests.AppHost;

/// <summary>The AppHost with InternalLambda allowed a second execution environment, which LocalCloud starts on demand.</summary>
public sealed class TwoInternalEnvironmentsApp : SecureLambdaApp
{
    protected override IEnumerable<string> ExtraArguments => ["--LocalCloud:Lambda:Environments:InternalLambda=2"];
}

/// <summary>
/// Lambda sends the output of every execution environment of a function to the function's one log group
/// (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html); in the dashboard, the function's
/// console shows the lines of the environments LocalCloud starts, not only those of the process the AppHost runs.
/// </summary>
[Collection(AppHostCollectionDefinition.Name)]
public sealed class ExecutionEnvironmentsConsoleTests(TwoInternalEnvironmentsApp stack) : IClassFixture<TwoInternalEnvironmentsApp>
{
    [Fact]
    public async Task AGreetingAnotherEnvironmentHandles_IsLoggedInTheFunctionsConsole()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // With the AppHost's own InternalLambda process stopped, only an environment LocalCloud starts can take the event.
        var stopped = await stack.App.ResourceCommands.ExecuteCommandAsync(ExpectedNames.InternalLambda, KnownResourceCommands.StopCommand, cancellationToken)
            .WaitAsync(StepTimeout, cancellationToken);
        Assert.True(stopped.Success, stopped.Message);
        await stack.App.ResourceNotifications.WaitForResourceAsync(
                ExpectedNames.InternalLambda, update => KnownResourceStates.TerminalStates.Contains(update.Snapshot.State?.Text), cancellationToken)
            .WaitAsync(StepTimeout, cancellationToken);
        var name = UniqueName("Ada");

        var (status, _) = await stack.PostAsync("/development/lambda1", await stack.IdTokenAsync(User1), $"{{\"name\":\"{name}\"}}");

        Assert.Equal(HttpStatusCode.OK, status);
        await stack.WaitForInternalGreetingAsync(name);
    }
}
