namespace SecureLambda.LocalCloud.ApiGateway;

/// <summary>The stages being served, known once the stack is provisioned; requests that arrive earlier wait for them.</summary>
public sealed class GatewayStages
{
    private readonly TaskCompletionSource<IReadOnlyDictionary<string, (GatewayStage Stage, RouteTable Routes)>> _stages =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    private IReadOnlyDictionary<string, (GatewayStage Stage, RouteTable Routes)>? _replaced;

    public void Register(IEnumerable<GatewayStage> stages) => _stages.TrySetResult(Index(stages));

    public void Fail(Exception exception) => _stages.TrySetException(exception);

    /// <summary>The stages rebuilt from a stack provisioned again (new pools and app clients for the authorizers).</summary>
    public void Replace(IEnumerable<GatewayStage> stages) => Volatile.Write(ref _replaced, Index(stages));

    public async Task<(GatewayStage Stage, RouteTable Routes)?> FindAsync(string stageName, CancellationToken cancellationToken)
    {
        var stages = Volatile.Read(ref _replaced) ?? await _stages.Task.WaitAsync(cancellationToken);
        return stages.TryGetValue(stageName, out var found) ? found : null;
    }

    private static Dictionary<string, (GatewayStage Stage, RouteTable Routes)> Index(IEnumerable<GatewayStage> stages) =>
        stages.ToDictionary(stage => stage.StageName, stage => (stage, new RouteTable(stage.Resources)), StringComparer.Ordinal);
}
