using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SecureLambda.AppHost.Hosting;

/// <summary>
/// The AppHost's part of the start-up, in one log line once every process of a stack runs: how long after the AppHost's
/// own process started the orchestrator started the engine, LocalCloud and each function's first process. LocalCloud's
/// own line (<c>Stack … is served … after LocalCloud's process started</c>) splits its part: the engine wait,
/// provisioning and the outputs. Together they time every step from the AppHost's start to a stack that answers.
/// </summary>
internal sealed partial class StartupTimeline(DistributedApplicationModel model, ResourceNotificationService notifications, ILogger<StartupTimeline> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var processStart = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
        var stacks = model.Resources.OfType<LocalCloudStackResource>().ToList();
        var started = new Dictionary<IResource, double>();
        var reported = new HashSet<LocalCloudStackResource>();
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                // The orchestrator's own record of when the process started: this service may hear of it later.
                if (update.Snapshot.StartTimeStamp is { } start && !started.ContainsKey(update.Resource))
                {
                    started[update.Resource] = (start.ToUniversalTime() - processStart).TotalSeconds;
                }

                foreach (var stack in stacks.Where(stack => !reported.Contains(stack)))
                {
                    var processes = ProcessesOf(stack).ToList();
                    if (processes.All(started.ContainsKey))
                    {
                        reported.Add(stack);
                        var times = string.Join(", ", processes.Select(process =>
                            string.Create(CultureInfo.InvariantCulture, $"{process.Name} {started[process]:0.00} s")));
                        StackProcessesRunning(logger, stack.Name, times);
                    }
                }

                if (reported.Count == stacks.Count)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost stopped before every process ran.
        }
    }

    /// <summary>The engine's processes, LocalCloud, and each function's first process, in start-up order.</summary>
    private static IEnumerable<IResource> ProcessesOf(LocalCloudStackResource stack) =>
        (stack.Engine?.Processes ?? []).Append(stack.LocalCloud).Concat(stack.Functions.SelectMany(function => function.Environments));

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Stack {Stack}: every process runs; each started this long after the AppHost's process: {Processes}")]
    private static partial void StackProcessesRunning(ILogger logger, string stack, string processes);
}
