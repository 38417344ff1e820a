using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SecureLambda.Aws.Lambda;
using SecureLambda.Functions.Telemetry;

namespace SecureLambda.Functions.Runtime;

/// <summary>
/// The custom-runtime loop: <c>next</c> → handler → <c>response</c> or <c>error</c>, one invocation at a time, until stopped.
/// A handler failure becomes an error post and the process keeps serving, as the managed runtimes do.
/// </summary>
public sealed partial class LambdaRuntimeLoop(
    LambdaRuntimeApiClient runtimeApi,
    ILambdaHandler handler,
    TimeProvider timeProvider,
    ILogger<LambdaRuntimeLoop> logger,
    Action? afterInvocation = null)
{
    /// <summary>The error type posted when the handler has not finished by <c>Lambda-Runtime-Deadline-Ms</c>.</summary>
    public const string DeadlineExceededErrorType = "Runtime.DeadlineExceeded";

    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(2);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var reconnectDelay = TimeSpan.FromMilliseconds(50);
        while (!stoppingToken.IsCancellationRequested)
        {
            LambdaInvocation invocation;
            try
            {
                invocation = await runtimeApi.GetNextInvocationAsync(stoppingToken);
                reconnectDelay = TimeSpan.FromMilliseconds(50);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException exception) when (exception.StatusCode == System.Net.HttpStatusCode.Forbidden)
            {
                // The Runtime API no longer serves this environment (LocalCloud restarted, and the environment it had
                // started is void): it ends, as an environment Lambda has reclaimed does.
                LogEnvironmentRevoked(runtimeApi.BaseAddress);
                return;
            }
            catch (HttpRequestException exception)
            {
                // In AWS the Runtime API is always there; locally its server may still be starting or restarting.
                LogRuntimeApiUnavailable(exception, runtimeApi.BaseAddress, reconnectDelay);
                await Task.Delay(reconnectDelay, timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                reconnectDelay = TimeSpan.FromTicks(Math.Min(reconnectDelay.Ticks * 2, MaxReconnectDelay.Ticks));
                continue;
            }

            await InvokeAsync(invocation, stoppingToken);
        }
    }

    /// <summary>Handles one invocation and posts its outcome.</summary>
    public async Task InvokeAsync(LambdaInvocation invocation, CancellationToken stoppingToken)
    {
        var activity = FunctionTelemetry.StartInvocation(invocation);
        using var scope = logger.BeginScope(new InvocationLogScope(invocation.RequestId));
        Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", invocation.TraceId);

        var remaining = invocation.Deadline - timeProvider.GetUtcNow();
        using var deadline = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, stoppingToken);
        try
        {
            byte[] response;
            try
            {
                // WaitAsync: a handler that ignores its token still cannot hold the invocation past its deadline.
                response = await handler.HandleAsync(invocation, linked.Token).WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                var error = new RuntimeApiError(
                    $"The invocation did not finish before its deadline {invocation.Deadline:O}.",
                    DeadlineExceededErrorType,
                    []);
                LogDeadlineExceeded(invocation.RequestId, invocation.Deadline);
                activity.SetStatus(ActivityStatusCode.Error, DeadlineExceededErrorType);
                await runtimeApi.PostInvocationErrorAsync(invocation.RequestId, error, CancellationToken.None);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogHandlerFailed(exception, invocation.RequestId);
                activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
                activity.AddException(exception);
                await runtimeApi.PostInvocationErrorAsync(invocation.RequestId, RuntimeApiError.FromException(exception), CancellationToken.None);
                return;
            }

            // Not cancelled by shutdown: an outcome already computed is still delivered (Lambda allows a grace period).
            await runtimeApi.PostResponseAsync(invocation.RequestId, response, CancellationToken.None);
        }
        catch (HttpRequestException exception)
        {
            // The Runtime API refused or lost the outcome (for example, the invocation already timed out there).
            LogOutcomeNotDelivered(exception, invocation.RequestId);
        }
        finally
        {
            // Ended before the flush below, so the span leaves the process before Lambda freezes it.
            activity.Dispose();
            afterInvocation?.Invoke();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Runtime API at {RuntimeApi} is unavailable; retrying in {Delay}")]
    private partial void LogRuntimeApiUnavailable(Exception exception, Uri runtimeApi, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Runtime API at {RuntimeApi} refuses this environment; it ends")]
    private partial void LogEnvironmentRevoked(Uri runtimeApi);

    [LoggerMessage(Level = LogLevel.Error, Message = "Invocation {RequestId} failed")]
    private partial void LogHandlerFailed(Exception exception, string requestId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Invocation {RequestId} passed its deadline {Deadline}")]
    private partial void LogDeadlineExceeded(string requestId, DateTimeOffset deadline);

    [LoggerMessage(Level = LogLevel.Error, Message = "The outcome of invocation {RequestId} could not be posted to the Runtime API")]
    private partial void LogOutcomeNotDelivered(Exception exception, string requestId);
}
