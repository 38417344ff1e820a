using System.Collections.Concurrent;
using System.Threading.Channels;
using SecureLambda.Aws.LocalCloud;
using SecureLambda.LocalCloud.DataPlane;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>
/// One function's execution side: events wait in a bounded queue until a function process asks for one with
/// <c>GET …/invocation/next</c>; each process holds at most one event at a time, because it asks for the next event only
/// after it has posted the outcome of the last one, exactly as a Lambda execution environment does. An event that
/// waits with no idle process asks for a new environment (<paramref name="demand"/>, with the number waiting), up to
/// <see cref="MaxEnvironments"/>. With a <c>ReservedConcurrentExecutions</c>, the invocations past it (running or
/// waiting) are throttled, as Lambda throttles them.
/// </summary>
public sealed class LocalFunction(
    LambdaFunctionDefinition definition,
    TimeProvider timeProvider,
    int queueCapacity = LocalFunction.DefaultQueueCapacity,
    int maxEnvironments = LocalFunction.DefaultMaxEnvironments,
    Action<LocalFunction, int>? demand = null)
{
    /// <summary>The reason Lambda gives for a throttle past the function's reserved concurrency.</summary>
    public const string ReservedConcurrencyExceeded = "ReservedFunctionConcurrentInvocationLimitExceeded";

    public const int DefaultQueueCapacity = 100;

    /// <summary>The execution environments a function may have when nothing says otherwise, and the least of <see cref="LocalLambdaOptions.MaxEnvironmentsPerFunction"/>.</summary>
    public const int DefaultMaxEnvironments = 4;

    /// <summary>How long an event waits for an environment that is there before it asks for a new one.</summary>
    public static readonly TimeSpan EnvironmentGrace = TimeSpan.FromMilliseconds(50);

    private readonly Channel<PendingInvocation> _waiting = Channel.CreateBounded<PendingInvocation>(
        new BoundedChannelOptions(queueCapacity) { FullMode = BoundedChannelFullMode.Wait });

    private readonly ConcurrentDictionary<string, PendingInvocation> _inFlight = new(StringComparer.Ordinal);
    private int _pollers;
    private int _concurrent;
    private long _succeeded;
    private int _hasPolled;
    private long _invocations;
    private long _initErrors;
    private string? _lastInitError;

    public LambdaFunctionDefinition Definition { get; } = definition;

    /// <summary>How many invocations may run at once: the bound of its execution environments.</summary>
    public int MaxEnvironments { get; } = maxEnvironments;

    /// <summary>How many requests for the next event are waiting right now: the processes that are connected and idle.</summary>
    public int IdlePollers => Volatile.Read(ref _pollers);

    /// <summary>The execution environments that are there now: each is either waiting for an event or running one.</summary>
    public int ConnectedEnvironments => IdlePollers + _inFlight.Count;

    /// <summary>Its execution environments right now, for the dashboard: what is idle, running and waiting, and what has failed.</summary>
    public FunctionRuntimeStatus Status => new(
        Definition.LogicalId,
        Definition.FunctionName,
        HasPolled: Volatile.Read(ref _hasPolled) == 1,
        IdleEnvironments: IdlePollers,
        RunningInvocations: _inFlight.Count,
        QueuedInvocations: _waiting.Reader.Count,
        Invocations: Interlocked.Read(ref _invocations),
        InitErrors: Interlocked.Read(ref _initErrors),
        LastInitError: Volatile.Read(ref _lastInitError))
    {
        SucceededInvocations = Interlocked.Read(ref _succeeded),
    };

    /// <summary>A process reported that it could not initialize (<c>POST …/init/error</c>); it exits after that, as in Lambda.</summary>
    public void ReportInitError(string? errorType)
    {
        Interlocked.Increment(ref _initErrors);
        Volatile.Write(ref _lastInitError, errorType ?? "Runtime.Unknown");
    }

    /// <summary>
    /// Queues the event and waits for its outcome: <see cref="InvocationStatus.NoRuntime"/> when no process takes it
    /// within the function's timeout, <see cref="InvocationStatus.TimedOut"/> when the process that took it does not
    /// answer by its deadline.
    /// </summary>
    public async Task<InvocationResult> InvokeAsync(byte[] payload, string? traceHeader, CancellationToken cancellationToken)
    {
        var invocation = new PendingInvocation(Guid.NewGuid().ToString(), payload, traceHeader);
        try
        {
            // https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html: past the reserved
            // concurrency, Lambda throttles; the caller gets 429 TooManyRequestsException.
            if (Interlocked.Increment(ref _concurrent) > Definition.ReservedConcurrency)
            {
                return new InvocationResult(invocation.RequestId, InvocationStatus.Throttled, [], ReservedConcurrencyExceeded);
            }

            if (!_waiting.Writer.TryWrite(invocation))
            {
                return new InvocationResult(invocation.RequestId, InvocationStatus.Throttled, []);
            }

            if (demand is not null && _waiting.Reader.Count > IdlePollers)
            {
                _ = AskForEnvironmentAsync(invocation, demand);
            }

            return await RunAsync(invocation, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _concurrent);
        }
    }

    /// <summary>
    /// An environment that has just answered asks for its next event within moments: only an event that still waits
    /// after <see cref="EnvironmentGrace"/> needs a new environment.
    /// </summary>
    private async Task AskForEnvironmentAsync(PendingInvocation invocation, Action<LocalFunction, int> demand)
    {
        await Task.WhenAny(invocation.Started.Task, Task.Delay(EnvironmentGrace, timeProvider));
        if (!invocation.Started.Task.IsCompleted)
        {
            demand(this, _waiting.Reader.Count);
        }
    }

    private async Task<InvocationResult> RunAsync(PendingInvocation invocation, CancellationToken cancellationToken)
    {
        try
        {
            await invocation.Started.Task.WaitAsync(Definition.Timeout, timeProvider, cancellationToken);
        }
        catch (TimeoutException) when (invocation.TryAbandon(PendingInvocation.Waiting))
        {
            return new InvocationResult(invocation.RequestId, InvocationStatus.NoRuntime, []);
        }
        catch (TimeoutException)
        {
            // A process took it at the same moment: go on and wait for its answer.
        }
        catch (OperationCanceledException) when (invocation.TryAbandon(PendingInvocation.Waiting))
        {
            // The caller gave up before any process took the event: no process may run it any more.
            throw;
        }

        var remaining = invocation.Deadline - timeProvider.GetUtcNow();
        try
        {
            return await invocation.Completion.Task.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, timeProvider, cancellationToken);
        }
        catch (TimeoutException) when (invocation.TryAbandon(PendingInvocation.Running))
        {
            _inFlight.TryRemove(invocation.RequestId, out _);
            return new InvocationResult(invocation.RequestId, InvocationStatus.TimedOut, []);
        }
        catch (TimeoutException)
        {
            // The outcome arrived at the deadline itself.
            return await invocation.Completion.Task;
        }
    }

    /// <summary>Hands the next waiting event to a polling process, marking it started with its deadline.</summary>
    public async Task<PendingInvocation> NextAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _pollers);
        Volatile.Write(ref _hasPolled, 1);
        // A process that asks for an event has initialized: an earlier init error is history.
        Volatile.Write(ref _lastInitError, null);
        try
        {
            while (true)
            {
                var invocation = await _waiting.Reader.ReadAsync(cancellationToken);
                if (invocation.TryStart(timeProvider.GetUtcNow() + Definition.Timeout))
                {
                    _inFlight[invocation.RequestId] = invocation;
                    Interlocked.Increment(ref _invocations);
                    return invocation;
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _pollers);
        }
    }

    /// <summary>Records the outcome a process posted; false when the request id is unknown or already finished.</summary>
    public bool Complete(string requestId, InvocationStatus status, byte[] payload, string? errorType)
    {
        if (!_inFlight.TryRemove(requestId, out var invocation) || !invocation.TryFinish())
        {
            return false;
        }

        if (status == InvocationStatus.Succeeded)
        {
            Interlocked.Increment(ref _succeeded);
        }

        invocation.Completion.TrySetResult(new InvocationResult(requestId, status, payload, errorType));
        return true;
    }
}

/// <summary>An event on its way through a function: waiting, running (with a deadline), or finished.</summary>
public sealed class PendingInvocation(string requestId, byte[] payload, string? traceHeader)
{
    internal const int Waiting = 0;
    internal const int Running = 1;
    private const int Finished = 2;

    private int _state = Waiting;

    public string RequestId { get; } = requestId;

    public byte[] Payload { get; } = payload;

    /// <summary>The X-Ray header passed as <c>Lambda-Runtime-Trace-Id</c>.</summary>
    public string? TraceHeader { get; } = traceHeader;

    public DateTimeOffset Deadline { get; private set; }

    internal TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal TaskCompletionSource<InvocationResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal bool TryStart(DateTimeOffset deadline)
    {
        if (Interlocked.CompareExchange(ref _state, Running, Waiting) != Waiting)
        {
            return false;
        }

        Deadline = deadline;
        Started.TrySetResult();
        return true;
    }

    internal bool TryFinish() => Interlocked.CompareExchange(ref _state, Finished, Running) == Running;

    internal bool TryAbandon(int from) => Interlocked.CompareExchange(ref _state, Finished, from) == from;
}
