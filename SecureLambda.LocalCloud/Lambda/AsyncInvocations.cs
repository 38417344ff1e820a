using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Diagnostics;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>
/// Lambda's asynchronous invocations, whoever makes them (SNS for a lambda subscription, the Invoke API with
/// <c>InvocationType=Event</c>): Lambda accepts the event into its queue (<see cref="AsyncEventStore"/>, kept across a
/// restart), invokes the function from it, as many at a time as the function has execution environments, retries a
/// failure by Lambda's rules (<see cref="AsyncRetryRules"/>) and, when it gives up, sends the event where the template
/// says (<see cref="AsyncFailureRouter"/>). AWS waits about one and then two minutes between attempts; locally the wait is
/// <see cref="LocalLambdaOptions.AsyncRetryDelay"/>, so a developer sees the outcome at once.
/// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
/// </summary>
public sealed partial class AsyncInvocations(
    AsyncEventStore store,
    DataPlaneState state,
    LambdaFunctions functions,
    LambdaInvoker invoker,
    ExecutionEnvironments environments,
    AsyncFailureRouter failures,
    IOptions<LocalLambdaOptions> options,
    TimeProvider timeProvider,
    ILogger<AsyncInvocations> logger) : BackgroundService
{
    /// <summary>The least wait before a throttled event is tried again, so a full queue is not hammered.</summary>
    internal static readonly TimeSpan ThrottleBackoff = TimeSpan.FromMilliseconds(200);

    /// <summary>The wait before an event whose failure could not be written (the engine is down) is tried again.</summary>
    private static readonly TimeSpan UnwrittenFailureBackoff = TimeSpan.FromSeconds(2);

    /// <summary>The longest a dispatcher sleeps without a signal before it looks at its queue again.</summary>
    private static readonly TimeSpan IdleRecheck = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Channel<bool>> _wakeUps = new(StringComparer.Ordinal);

    /// <summary>
    /// Lambda accepts the event: it is queued, durably, before this returns. False when the same
    /// <paramref name="eventKey"/> was queued already for the function.
    /// </summary>
    /// <param name="traceParent">The caller's W3C trace context, or null for none.</param>
    /// <param name="topicArn">The topic, when SNS hands the event over.</param>
    public bool Accept(LambdaFunctionDefinition function, byte[] payload, string? eventKey, string? traceParent, string? topicArn)
    {
        ArgumentNullException.ThrowIfNull(function);
        var accepted = store.Enqueue(function.LogicalId, eventKey, payload, traceParent, topicArn, timeProvider.GetUtcNow());
        WakeUp(function.LogicalId);
        return accepted;
    }

    /// <summary>The function's events that Lambda holds: waiting, or being attempted.</summary>
    public int Queued(string functionLogicalId) => store.Count(functionLogicalId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var model = await state.WaitAsync(stoppingToken);
        await Task.WhenAll(model.Functions.Select(function => DispatchAsync(function.LogicalId, stoppingToken)));
    }

    /// <summary>One function's dispatcher: leases what is due, as many as the function has free environments, and sleeps until woken.</summary>
    private async Task DispatchAsync(string logicalId, CancellationToken stoppingToken)
    {
        var wakeUp = WakeUpOf(logicalId);
        var function = await functions.FindAsync(logicalId, stoppingToken)
            ?? throw new InvalidOperationException($"The stack has no function {logicalId}.");
        var running = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Up to the function's bound at a time, when LocalCloud starts the environments to take them; else as many
            // as there are environments (at least one, which waits for a first process), so that one environment
            // takes the function's events in the order they came.
            var parallel = environments.CanLaunch ? function.MaxEnvironments : Math.Clamp(function.ConnectedEnvironments, 1, function.MaxEnvironments);
            var free = parallel - Volatile.Read(ref running);
            foreach (var queued in store.Lease(logicalId, timeProvider.GetUtcNow(), free))
            {
                Interlocked.Increment(ref running);
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await AttemptAsync(function, queued, stoppingToken);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref running);
                        wakeUp.Writer.TryWrite(true);
                    }
                }, CancellationToken.None);
            }

            var next = store.NextVisibleAt(logicalId) - timeProvider.GetUtcNow();
            var sleep = next is { } due && due < IdleRecheck ? due : IdleRecheck;
            if (sleep <= TimeSpan.Zero && Volatile.Read(ref running) == 0)
            {
                continue;
            }

            using var timer = new CancellationTokenSource(sleep > TimeSpan.Zero ? sleep : IdleRecheck, timeProvider);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, stoppingToken);
            try
            {
                await wakeUp.Reader.ReadAsync(either.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The next event is due.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task AttemptAsync(LocalFunction function, QueuedAsyncEvent queued, CancellationToken stoppingToken)
    {
        var definition = function.Definition;
        ActivityContext.TryParse(queued.TraceParent, null, out var caller);
        using var activity = LocalCloudTelemetry.Source.StartActivity(
            queued.TopicArn is null ? $"Lambda async invoke {definition.FunctionName}" : $"SNS deliver {definition.FunctionName}",
            ActivityKind.Consumer,
            caller);
        if (queued.TopicArn is { } topicArn)
        {
            activity?.SetTag("messaging.system", "aws_sns");
            activity?.SetTag("messaging.destination.name", topicArn);
        }

        activity?.SetTag("securelambda.delivery.attempt", queued.FailedAttempts + 1);
        var failed = queued.FailedAttempts;
        try
        {
            var age = timeProvider.GetUtcNow() - queued.QueuedAt;
            if (AsyncRetryRules.IsTooOld(definition, age) || failed > definition.MaximumRetryAttempts)
            {
                // Too old, or its last attempt failed and only the writing of that failure was left.
                await failures.RouteAsync(definition, queued.Payload, AsyncRetryRules.Condition(failed, definition), failed, null, stoppingToken);
                store.Delete(queued.Id);
                return;
            }

            var result = await invoker.InvokeAsync(function, queued.Payload, stoppingToken);
            failed += AsyncRetryRules.Counts(result) ? 1 : 0;
            var step = AsyncRetryRules.Next(definition, result, failed, timeProvider.GetUtcNow() - queued.QueuedAt);
            if (step != AsyncStep.Done)
            {
                activity?.SetStatus(ActivityStatusCode.Error, result.ErrorType ?? result.Status.ToString());
            }

            switch (step)
            {
                case AsyncStep.Done:
                    store.Delete(queued.Id);
                    return;
                case AsyncStep.Fail:
                    // Written down first: should the record not get through, the event is not attempted again.
                    store.CountAttempts(queued.Id, failed);
                    await failures.RouteAsync(definition, queued.Payload, AsyncRetryRules.Condition(failed, definition), failed, result, stoppingToken);
                    store.Delete(queued.Id);
                    return;
                default:
                    LogWillRetry(definition.FunctionName, failed, definition.MaximumRetryAttempts + 1, result.ErrorType ?? result.Status.ToString());
                    var delay = step == AsyncStep.RetryUncounted && options.Value.AsyncRetryDelay < ThrottleBackoff ? ThrottleBackoff : options.Value.AsyncRetryDelay;
                    store.Release(queued.Id, failed, timeProvider.GetUtcNow() + delay);
                    return;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // LocalCloud is stopping: the event stays queued, and its lease is void at the next start.
        }
        catch (Exception exception)
        {
            // The failure could not be written (the engine is down or hung): the event stays, and is tried again.
            LogAttemptFailed(exception, definition.FunctionName);
            store.Release(queued.Id, failed, timeProvider.GetUtcNow() + UnwrittenFailureBackoff);
        }
    }

    private void WakeUp(string logicalId) => WakeUpOf(logicalId).Writer.TryWrite(true);

    private Channel<bool> WakeUpOf(string logicalId) => _wakeUps.GetOrAdd(logicalId, _ => Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true }));

    [LoggerMessage(Level = LogLevel.Warning, Message = "{FunctionName} has {Attempt} failed attempts of {MaxAttempts} ({Error}); the event will be retried")]
    private partial void LogWillRetry(string functionName, int attempt, int maxAttempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "An asynchronous event for {FunctionName} could not be finished; it stays queued and is tried again")]
    private partial void LogAttemptFailed(Exception exception, string functionName);
}
