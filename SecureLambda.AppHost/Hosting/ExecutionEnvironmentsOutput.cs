using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SecureLambda.Aws.Lambda;

namespace SecureLambda.AppHost.Hosting;

/// <summary>
/// Each function's console shows the output of every one of its execution environments, as Lambda sends every
/// environment's output to the function's one log group. The environments LocalCloud starts on demand write through
/// LocalCloud's standard output (<see cref="ExecutionEnvironmentOutput"/> lines); their lines go on to the console of
/// the function's first environment, the process the AppHost runs, standard error as errors.
/// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
/// </summary>
internal sealed partial class ExecutionEnvironmentsOutput(DistributedApplicationModel model, ResourceLoggerService logs, ResourceNotificationService notifications)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(model.Resources.OfType<LocalCloudStackResource>().Select(stack => ForwardAsync(stack, stoppingToken)));

    private async Task ForwardAsync(LocalCloudStackResource stack, CancellationToken cancellationToken)
    {
        var functions = stack.Functions.Where(function => function.Environments.Count > 0)
            .ToDictionary(function => function.LogicalId, function => function.Environments[0], StringComparer.Ordinal);
        try
        {
            await foreach (var batch in logs.WatchAsync(stack.LocalCloud).WithCancellation(cancellationToken))
            {
                foreach (var line in batch)
                {
                    if (ExecutionEnvironmentOutput.TryParse(line.Content) is { } output && functions.TryGetValue(output.LogicalId, out var function))
                    {
                        // The orchestrator's id of the process (internal-lambda-xxxxxxxx), under which its console is
                        // kept, once the orchestrator has made it; until then, the model's name.
                        var console = notifications.TryGetCurrentState(function.Name, out var state)
                            ? logs.GetLogger(state.ResourceId)
                            : logs.GetLogger(function);
                        WriteLine(console, output.IsError ? LogLevel.Error : LogLevel.Information, output.Text);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The AppHost stops.
        }
    }

    /// <summary>The environment's line as it wrote it (a template hole, so that its braces are not read as one).</summary>
    [LoggerMessage(Message = "{Line}")]
    private static partial void WriteLine(ILogger logger, LogLevel level, string line);
}
