namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// The functions of the stack's first provisioning, each as soon as it is created, before the rest of the stack is.
/// Lambda's <c>GetFunctionConfiguration</c> answers from it, so that a function's first process, which is started with
/// the environment that call resolves, starts while the stack's slower resources (its user pools) are still being
/// created: in AWS a function exists once its own resource is created, not once its stack is. Before provisioning has
/// begun (a LocalCloud that serves a data plane it was handed) and once it has ended, it answers nothing, and the data
/// plane answers instead.
/// </summary>
public sealed class ProvisioningProgress
{
    private readonly Lock _gate = new();
    private readonly List<ProvisionedResource> _functions = [];
    private TaskCompletionSource _changed = NewSignal();
    private bool _began;
    private bool _ended;

    /// <summary>The first provisioning has begun: until it ends, a function is awaited here.</summary>
    public void Began()
    {
        lock (_gate)
        {
            _began = true;
        }
    }

    /// <summary>Records a resource the first provisioning created; after it has ended, nothing is recorded.</summary>
    public void Provisioned(ProvisionedResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (resource.Type != LambdaFunctionType)
        {
            return;
        }

        lock (_gate)
        {
            if (!_ended)
            {
                _functions.Add(resource);
                Signal();
            }
        }
    }

    /// <summary>The first provisioning has served the stack, or failed: the data plane answers from now on.</summary>
    public void Ended()
    {
        lock (_gate)
        {
            _ended = true;
            Signal();
        }
    }

    /// <summary>
    /// The first function <paramref name="matches"/> accepts, once it is created; null unless provisioning is under way
    /// (it has not begun, or it has ended, whether or not it created one).
    /// </summary>
    public async Task<ProvisionedResource?> FunctionAsync(Func<ProvisionedResource, bool> matches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matches);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (!_began || _ended)
                {
                    return null;
                }

                if (_functions.FirstOrDefault(matches) is { } function)
                {
                    return function;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    private const string LambdaFunctionType = "AWS::Lambda::Function";

    private void Signal()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
