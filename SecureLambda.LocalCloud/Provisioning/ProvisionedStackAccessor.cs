using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecureLambda.LocalCloud.Engine;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>The provisioned stack, once provisioning has finished; the data plane awaits <see cref="Stack"/>.</summary>
public interface IProvisionedStackAccessor
{
    /// <summary>
    /// Completes when the stack is first provisioned; faults with the provisioning error. After the engine lost its
    /// state and the stack was provisioned again, it is the newest stack.
    /// </summary>
    Task<ProvisionedStack> Stack { get; }
}

/// <summary>Completed by <see cref="StackProvisioningService"/>; replaced by <see cref="EngineStateMonitor"/> after a re-provisioning.</summary>
public sealed class ProvisionedStackAccessor : IProvisionedStackAccessor
{
    private readonly TaskCompletionSource<ProvisionedStack> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task<ProvisionedStack>? _current;

    public Task<ProvisionedStack> Stack => Volatile.Read(ref _current) ?? _first.Task;

    public void SetStack(ProvisionedStack stack) => _first.TrySetResult(stack);

    public void SetFailed(Exception exception) => _first.TrySetException(exception);

    /// <summary>The stack as provisioned again into an engine that came back empty.</summary>
    public void Replace(ProvisionedStack stack) => Volatile.Write(ref _current, Task.FromResult(stack));
}

/// <summary>Provisions the stack when the host starts, writes the outputs file and completes the accessor.</summary>
public sealed class StackProvisioningService(
    StackProvisioner provisioner,
    ProvisionedStackAccessor accessor,
    ProvisioningProgress progress,
    EngineClients engine,
    IOptions<StackProvisioningOptions> options,
    ILogger<StackProvisioningService> logger) : BackgroundService
{
    /// <summary>How long LocalCloud waits for the engine to answer before provisioning fails.</summary>
    public static readonly TimeSpan EngineStartTimeout = TimeSpan.FromSeconds(60);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Before the first await, so before the host listens: a function asked for early is awaited, not missed.
        progress.Began();
        try
        {
            var processStart = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
            var provisioningBegan = (DateTime.UtcNow - processStart).TotalSeconds;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await WaitForEngineAsync(stoppingToken);
            var engineWait = watch.Elapsed.TotalSeconds;
            var stack = await provisioner.ProvisionAsync(stoppingToken);
            var provisioned = watch.Elapsed.TotalSeconds;
            var file = await OutputsDocument.WriteFileAsync(stack, options.Value, stoppingToken);
            ProvisioningLog.OutputsWritten(logger, file);
            accessor.SetStack(stack);
            ProvisioningLog.StartupSteps(logger, stack.StackName, (DateTime.UtcNow - processStart).TotalSeconds, provisioningBegan, engineWait, provisioned - engineWait, watch.Elapsed.TotalSeconds - provisioned);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            accessor.SetFailed(new OperationCanceledException("The host stopped before the stack was provisioned."));
        }
        catch (Exception exception)
        {
            // The app keeps running so /health can say why; the data plane sees the fault when it awaits the stack.
            ProvisioningLog.ProvisioningFailed(logger, options.Value.StackName, exception);
            accessor.SetFailed(exception);
        }
        finally
        {
            // After the accessor: whoever asked for a function early asks the data plane from now on.
            progress.Ended();
        }
    }

    /// <summary>
    /// Waits until the engine answers, so LocalCloud may start alongside it (both take seconds to start) instead of after
    /// it: connection failures are retried until <see cref="EngineStartTimeout"/>; an AWS error reply means it is up.
    /// </summary>
    private async Task WaitForEngineAsync(CancellationToken stoppingToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(EngineStartTimeout);
        while (true)
        {
            try
            {
                await engine.Sns.ListTopicsAsync(deadline.Token);
                return;
            }
            catch (Aws.Core.AwsServiceException)
            {
                return;
            }
            catch (HttpRequestException) when (!deadline.IsCancellationRequested)
            {
                // Not listening yet; each try already backs off inside the client's retries.
            }
        }
    }
}

/// <summary>Unhealthy until the stack is provisioned, and with the error when provisioning failed.</summary>
public sealed class StackProvisioningHealthCheck(IProvisionedStackAccessor accessor) : IHealthCheck
{
    public const string Name = "stack-provisioning";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stack = accessor.Stack;
        return Task.FromResult(stack.Status switch
        {
            TaskStatus.RanToCompletion => HealthCheckResult.Healthy($"Stack {stack.Result.StackName} is provisioned."),
            TaskStatus.Faulted => HealthCheckResult.Unhealthy("Provisioning the stack failed.", stack.Exception?.GetBaseException()),
            TaskStatus.Canceled => HealthCheckResult.Unhealthy("Provisioning the stack was canceled."),
            _ => HealthCheckResult.Unhealthy("The stack is still being provisioned."),
        });
    }
}
