namespace SecureLambda.Functions.Runtime;

/// <summary>What the runtime loop calls for each invocation: raw event in, raw response out.</summary>
public interface ILambdaHandler
{
    Task<byte[]> HandleAsync(LambdaInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>A handler of one typed event; <see cref="JsonLambdaHandler{TEvent,TResult}"/> does the JSON around it.</summary>
public interface IFunctionHandler<in TEvent, TResult>
{
    Task<TResult> HandleAsync(TEvent input, CancellationToken cancellationToken);
}
