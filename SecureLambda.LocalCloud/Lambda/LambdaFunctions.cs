using Microsoft.Extensions.Options;
using SecureLambda.LocalCloud.DataPlane;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>
/// The stack's functions, found by name, ARN or logical id, each with its one queue of invocations. Made from the first
/// data-plane model and kept across a re-provisioning (the functions keep their names), so a function process that
/// started first simply waits for its first event and never loses its place.
/// </summary>
public sealed class LambdaFunctions(DataPlaneState state, ExecutionEnvironments environments, IOptions<LocalLambdaOptions> options, TimeProvider timeProvider)
{
    private IReadOnlyDictionary<string, LocalFunction>? _functions;

    /// <summary>The function a name, an ARN (optionally with <c>:$LATEST</c>) or a logical id refers to; null if none.</summary>
    public async ValueTask<LocalFunction?> FindAsync(string nameOrArn, CancellationToken cancellationToken)
    {
        var functions = Volatile.Read(ref _functions) ?? await IndexAsync(cancellationToken);
        return functions.GetValueOrDefault(LambdaFunctionDefinition.Unqualified(nameOrArn));
    }

    /// <summary>Every function of the stack, once, in template order.</summary>
    public async ValueTask<IReadOnlyList<LocalFunction>> ListAsync(CancellationToken cancellationToken)
    {
        var functions = Volatile.Read(ref _functions) ?? await IndexAsync(cancellationToken);
        var model = await state.WaitAsync(cancellationToken);
        return [.. model.Functions.Select(definition => functions.GetValueOrDefault(definition.FunctionName)).OfType<LocalFunction>()];
    }

    private async Task<IReadOnlyDictionary<string, LocalFunction>> IndexAsync(CancellationToken cancellationToken)
    {
        var model = await state.WaitAsync(cancellationToken);
        var byKey = new Dictionary<string, LocalFunction>(StringComparer.Ordinal);
        foreach (var definition in model.Functions)
        {
            var function = new LocalFunction(definition, timeProvider, options.Value.QueueCapacity, options.Value.EnvironmentsOf(definition), environments.Demand);
            byKey[definition.FunctionName] = function;
            byKey[definition.Arn] = function;
            byKey.TryAdd(definition.LogicalId, function);
        }

        // Two callers racing here must end up with the same functions: the first index wins.
        return Interlocked.CompareExchange(ref _functions, byKey, null) ?? byKey;
    }
}
