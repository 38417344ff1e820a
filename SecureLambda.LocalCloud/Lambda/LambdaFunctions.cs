namespace SecureLambda.LocalCloud.Lambda;

/// <summary>
/// The stack's functions, found by name, ARN or logical id. Filled once provisioning has named them; until then
/// callers wait, so a function process that starts first simply waits for its first event.
/// </summary>
public sealed class LambdaFunctions(TimeProvider timeProvider)
{
    private readonly TaskCompletionSource<IReadOnlyDictionary<string, LocalFunction>> _functions =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Register(IEnumerable<LambdaFunctionDefinition> definitions, int queueCapacity = LocalFunction.DefaultQueueCapacity)
    {
        var byKey = new Dictionary<string, LocalFunction>(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            var function = new LocalFunction(definition, timeProvider, queueCapacity);
            byKey[definition.FunctionName] = function;
            byKey[definition.Arn] = function;
            byKey.TryAdd(definition.LogicalId, function);
        }

        if (!_functions.TrySetResult(byKey))
        {
            throw new InvalidOperationException("The functions are already registered.");
        }
    }

    public async Task<IReadOnlyCollection<LocalFunction>> AllAsync(CancellationToken cancellationToken) =>
        (await _functions.Task.WaitAsync(cancellationToken)).Values.Distinct().ToList();

    /// <summary>The function a name, an ARN (optionally with <c>:$LATEST</c>) or a logical id refers to; null if none.</summary>
    public async Task<LocalFunction?> FindAsync(string nameOrArn, CancellationToken cancellationToken)
    {
        var functions = await _functions.Task.WaitAsync(cancellationToken);
        var key = nameOrArn.EndsWith(":$LATEST", StringComparison.Ordinal) ? nameOrArn[..^":$LATEST".Length] : nameOrArn;
        return functions.GetValueOrDefault(key);
    }
}
