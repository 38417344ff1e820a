using Microsoft.Extensions.Options;
using SecureLambda.LocalCloud.Iam;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.DataPlane;

/// <summary>
/// Once the stack is provisioned, builds the data-plane model from it and publishes it. A template the data plane cannot
/// serve exactly stops LocalCloud with the reason: it fails loudly where other emulators drop what they do not understand.
/// </summary>
public sealed partial class DataPlaneStartup(
    IProvisionedStackAccessor stack,
    DataPlaneState state,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    IOptions<IamOptions> iam,
    ILogger<DataPlaneStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var provisioned = await stack.Stack.WaitAsync(stoppingToken);
            var model = DataPlaneBuilder.Build(provisioned, timeProvider, iam.Value.Mode);
            state.Publish(model);
            foreach (var served in model.Stages)
            {
                var routes = string.Join(", ", served.Stage.Resources.SelectMany(r => r.Methods.Keys.Select(m => $"{m} {r.Path}")));
                LogServing(served.Stage.StageName, served.Stage.ApiId, routes);
            }

            WafStartupReport.Log(logger, provisioned, model.Stages.Select(served => served.Stage), model.Cognito.Pools);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            state.Fail(exception);
            LogCannotServe(exception);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving stage {Stage} of API {ApiId}: {Routes}")]
    private partial void LogServing(string stage, string apiId, string routes);

    [LoggerMessage(Level = LogLevel.Critical, Message = "LocalCloud cannot serve this stack; stopping")]
    private partial void LogCannotServe(Exception exception);
}

/// <summary>Rebuilds the model from a stack the engine watch provisioned again; a stack it cannot serve keeps the old model.</summary>
public sealed class DataPlaneRebuild(DataPlaneState state, TimeProvider timeProvider, IOptions<IamOptions> iam) : IStackReprovisioned
{
    public void Reprovisioned(ProvisionedStack stack) => state.Replace(DataPlaneBuilder.Build(stack, timeProvider, iam.Value.Mode));
}
