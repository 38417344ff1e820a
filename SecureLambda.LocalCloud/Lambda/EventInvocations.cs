using Microsoft.Extensions.Options;
using System.Threading.Channels;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>
/// Asynchronous invocations made through the Invoke API (<c>InvocationType=Event</c>): queued, invoked in the background,
/// retried by Lambda's rules (<see cref="AsyncRetryRules"/>) and, when Lambda gives up, sent where the template says
/// (<see cref="AsyncFailureRouter"/>), exactly as SNS events are. AWS waits about one and then two minutes between
/// attempts; locally the wait is <see cref="LocalLambdaOptions.AsyncRetryDelay"/> so a developer sees the outcome at once.
/// The queue lives in memory: events sent to a stopping LocalCloud are lost, unlike SNS events, which travel through
/// real engine queues (see <see cref="AsyncDeliveryWorker"/>).
/// </summary>
public sealed partial class EventInvocations(
    LambdaInvoker invoker,
    AsyncFailureRouter failures,
    IOptions<LocalLambdaOptions> options,
    TimeProvider timeProvider,
    ILogger<EventInvocations> logger) : BackgroundService
{
    /// <summary>The least wait before a throttled event is tried again, so a full queue is not hammered.</summary>
    internal static readonly TimeSpan ThrottleBackoff = TimeSpan.FromMilliseconds(200);

    private readonly Channel<(LocalFunction Function, byte[] Payload)> _events = Channel.CreateUnbounded<(LocalFunction, byte[])>();

    public void Enqueue(LocalFunction function, byte[] payload) => _events.Writer.TryWrite((function, payload));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (function, payload) in _events.Reader.ReadAllAsync(stoppingToken))
        {
            _ = DeliverAsync(function, payload, stoppingToken);
        }
    }

    private async Task DeliverAsync(LocalFunction function, byte[] payload, CancellationToken stoppingToken)
    {
        var definition = function.Definition;
        var queuedAt = timeProvider.GetUtcNow();
        var failed = 0;
        InvocationResult? last = null;
        try
        {
            while (true)
            {
                if (AsyncRetryRules.IsTooOld(definition, timeProvider.GetUtcNow() - queuedAt))
                {
                    await failures.RouteAsync(definition, payload, AsyncRetryRules.EventAgeExceeded, failed, last, stoppingToken);
                    return;
                }

                last = await invoker.InvokeAsync(function, payload, stoppingToken);
                failed += AsyncRetryRules.Counts(last) ? 1 : 0;
                switch (AsyncRetryRules.Next(definition, last, failed, timeProvider.GetUtcNow() - queuedAt))
                {
                    case AsyncStep.Done:
                        return;
                    case AsyncStep.Fail:
                        await failures.RouteAsync(definition, payload, AsyncRetryRules.Condition(failed, definition), failed, last, stoppingToken);
                        return;
                    case AsyncStep.RetryUncounted:
                        await Task.Delay(Max(options.Value.AsyncRetryDelay, ThrottleBackoff), timeProvider, stoppingToken);
                        break;
                    default:
                        await Task.Delay(options.Value.AsyncRetryDelay, timeProvider, stoppingToken);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            // The failure record could not be written (the engine is down): say so rather than lose the event silently.
            LogLost(exception, definition.FunctionName, failed);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Error, Message = "An asynchronous event for {FunctionName} was lost after {Attempts} failed attempts: its failure could not be written")]
    private partial void LogLost(Exception exception, string functionName, int attempts);
}
