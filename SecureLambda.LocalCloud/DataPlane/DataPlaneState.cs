namespace SecureLambda.LocalCloud.DataPlane;

/// <summary>
/// The one ready signal of the data plane: the gateway, the Runtime and Invoke APIs and the delivery worker all wait
/// here for the model, so a function process or a request that arrives before provisioning finished simply waits.
/// </summary>
public sealed class DataPlaneState
{
    private readonly TaskCompletionSource<DataPlaneModel> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DataPlaneModel? _current;

    /// <summary>The current model; faults with the reason when the stack cannot be served.</summary>
    public ValueTask<DataPlaneModel> WaitAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _current) is { } current ? new(current) : new(_first.Task.WaitAsync(cancellationToken));

    /// <summary>The model first built from the provisioned stack.</summary>
    public void Publish(DataPlaneModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!_first.TrySetResult(model))
        {
            throw new InvalidOperationException("The data plane is already published.");
        }

        Volatile.Write(ref _current, model);
    }

    /// <summary>The stack cannot be served: every waiter sees why.</summary>
    public void Fail(Exception exception) => _first.TrySetException(exception);

    /// <summary>The model rebuilt from a stack provisioned again (new pools and app clients for the authorizers).</summary>
    public void Replace(DataPlaneModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Volatile.Write(ref _current, model);
        _first.TrySetResult(model);
    }
}
