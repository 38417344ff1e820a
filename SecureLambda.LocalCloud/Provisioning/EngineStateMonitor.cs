using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SecureLambda.Aws.Core;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>Options of the engine watch (section <c>LocalCloud:EngineWatch</c>).</summary>
public sealed class EngineWatchOptions
{
    public const string Section = "LocalCloud:EngineWatch";

    /// <summary>How often the engine is asked whether it still holds the stack.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest one question may take: a hung engine counts as unreachable, it never blocks LocalCloud.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>What the engine watch last saw.</summary>
public enum EngineState
{
    Unknown,
    Holding,
    Unreachable,
    Lost,
}

/// <summary>
/// Told by the engine watch when the stack was provisioned again, before the new stack is published; a dependent that
/// throws keeps the old stack in force and the watch reports the engine as lost.
/// </summary>
public interface IStackReprovisioned
{
    void Reprovisioned(ProvisionedStack stack);
}

/// <summary>
/// Watches the engine once the stack is provisioned. An engine restarted empty (the dashboard's Restart, a crashed
/// moto) has lost every pool, queue and topic: LocalCloud then provisions the stack again (same dev users and passwords,
/// new pool and client ids), tells its dependents (the data plane rebuilds the gateway's authorizers from it), and the outputs endpoint shows the new values.
/// An engine that does not answer, or answers too slowly, is reported, never waited on.
/// </summary>
public sealed partial class EngineStateMonitor(
    ProvisionedStackAccessor accessor,
    StackProvisioner provisioner,
    EngineClients engine,
    IEnumerable<IStackReprovisioned> dependents,
    IOptions<EngineWatchOptions> watch,
    IOptions<StackProvisioningOptions> provisioning,
    TimeProvider timeProvider,
    ILogger<EngineStateMonitor> logger) : BackgroundService
{
    private volatile string _reason = "The stack is not provisioned yet.";

    public EngineState State { get; private set; } = EngineState.Unknown;

    public string Reason => _reason;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await accessor.Stack.WaitAsync(stoppingToken);
        }
        catch (Exception) when (!stoppingToken.IsCancellationRequested)
        {
            // Provisioning failed: its own health check says why; there is nothing to watch.
            return;
        }

        using var timer = new PeriodicTimer(watch.Value.Interval, timeProvider);
        try
        {
            do
            {
                await CheckOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One look at the engine, and a re-provisioning when it lost the stack.</summary>
    public async Task CheckOnceAsync(CancellationToken stoppingToken)
    {
        var stack = await accessor.Stack;
        var state = await ProbeAsync(stack, stoppingToken);
        if (state != EngineState.Lost)
        {
            return;
        }

        try
        {
            LogReprovisioning(stack.StackName);
            var again = await provisioner.ProvisionAsync(stoppingToken);
            foreach (var dependent in dependents)
            {
                dependent.Reprovisioned(again);
            }

            accessor.Replace(again);
            await OutputsDocument.WriteFileAsync(again, provisioning.Value, stoppingToken);
            Set(EngineState.Holding, $"The engine holds stack {again.StackName} (provisioned again after the engine lost it).");
            LogReprovisioned(again.StackName);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            Set(EngineState.Lost, $"The engine lost stack {stack.StackName}, and provisioning it again failed: {exception.Message}");
            LogReprovisioningFailed(exception, stack.StackName);
        }
    }

    private async Task<EngineState> ProbeAsync(ProvisionedStack stack, CancellationToken stoppingToken)
    {
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        probe.CancelAfter(watch.Value.ProbeTimeout);
        try
        {
            foreach (var pool in stack.OfType("AWS::Cognito::UserPool").Take(1))
            {
                await engine.Cognito.CallAsync("DescribeUserPool", new JsonObject { ["UserPoolId"] = pool.PhysicalId }, probe.Token);
            }

            foreach (var topic in stack.OfType("AWS::SNS::Topic").Take(1))
            {
                await engine.Sns.CallAsync("GetTopicAttributes", [new("TopicArn", topic.PhysicalId)], probe.Token);
            }

            return Set(EngineState.Holding, $"The engine holds stack {stack.StackName}.");
        }
        catch (AwsServiceException exception) when (exception.ErrorCode is "ResourceNotFoundException" or "NotFound" or "NotFoundException")
        {
            return Set(EngineState.Lost, $"The engine lost stack {stack.StackName} ({exception.ErrorCode}); provisioning it again.");
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            var why = probe.IsCancellationRequested ? $"it did not answer within {watch.Value.ProbeTimeout.TotalSeconds:0} s" : exception.Message;
            return Set(EngineState.Unreachable, $"The engine is unreachable: {why}.");
        }
    }

    private EngineState Set(EngineState state, string reason)
    {
        if (state != State)
        {
            if (state == EngineState.Holding)
            {
                LogHolding(reason);
            }
            else
            {
                LogStateChanged(state, reason);
            }
        }

        State = state;
        _reason = reason;
        return state;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Reason}")]
    private partial void LogHolding(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engine state {State}: {Reason}")]
    private partial void LogStateChanged(EngineState state, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The engine lost stack {StackName}: provisioning it again")]
    private partial void LogReprovisioning(string stackName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stack {StackName} is provisioned again; the gateway serves its new pools and app clients")]
    private partial void LogReprovisioned(string stackName);

    [LoggerMessage(Level = LogLevel.Error, Message = "Provisioning stack {StackName} again failed; the next check tries again")]
    private partial void LogReprovisioningFailed(Exception exception, string stackName);
}

/// <summary>/health tells the truth about the engine: Unhealthy while it is unreachable or has lost the stack, and why.</summary>
public sealed class EngineStateHealthCheck(EngineStateMonitor monitor) : IHealthCheck
{
    public const string Name = "engine-state";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(monitor.State is EngineState.Unreachable or EngineState.Lost
            ? HealthCheckResult.Unhealthy(monitor.Reason)
            : HealthCheckResult.Healthy(monitor.Reason));
}
