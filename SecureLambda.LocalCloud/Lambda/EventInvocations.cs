using Microsoft.Extensions.Options;
using System.Threading.Channels;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>
/// Asynchronous invocations made through the Invoke API (<c>InvocationType=Event</c>): queued, invoked in the background
/// and retried on failure up to the function's <c>MaximumRetryAttempts</c>, as Lambda's internal queue does. AWS waits
/// about one and then two minutes between attempts; locally the wait is <see cref="LocalLambdaOptions.AsyncRetryDelay"/> so a developer sees
/// the outcome at once. The queue lives in memory: events sent to a stopping LocalCloud are lost, unlike SNS events,
/// which travel through real engine queues (see <see cref="AsyncDeliveryWorker"/>).
/// </summary>
public sealed partial class EventInvocations(
    LambdaInvoker invoker,
    IOptions<LocalLambdaOptions> options,
    TimeProvider timeProvider,
    ILogger<EventInvocations> logger) : BackgroundService
{
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
        var attempts = 1 + function.Definition.MaximumRetryAttempts;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                var result = await invoker.InvokeAsync(function, payload, stoppingToken);
                if (result.Succeeded)
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            if (attempt < attempts)
            {
                await Task.Delay(options.Value.AsyncRetryDelay, timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        LogDiscarded(function.Definition.FunctionName, attempts);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An asynchronous event for {FunctionName} failed {Attempts} attempts and was discarded (no on-failure destination for Invoke API events)")]
    private partial void LogDiscarded(string functionName, int attempts);
}
