namespace SecureLambda.LocalCloud.ApiGateway;

/// <summary>The stages being served, known once the stack is provisioned; requests that arrive earlier wait for them.</summary>
public sealed class GatewayStages
{
    private readonly TaskCompletionSource<IReadOnlyDictionary<string, (GatewayStage Stage, RouteTable Routes)>> _stages =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Register(IEnumerable<GatewayStage> stages) => _stages.TrySetResult(
        stages.ToDictionary(stage => stage.StageName, stage => (stage, new RouteTable(stage.Resources)), StringComparer.Ordinal));

    public void Fail(Exception exception) => _stages.TrySetException(exception);

    public async Task<(GatewayStage Stage, RouteTable Routes)?> FindAsync(string stageName, CancellationToken cancellationToken)
    {
        var stages = await _stages.Task.WaitAsync(cancellationToken);
        return stages.TryGetValue(stageName, out var found) ? found : null;
    }
}
