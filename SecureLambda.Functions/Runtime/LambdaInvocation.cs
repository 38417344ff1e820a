namespace SecureLambda.Functions.Runtime;

/// <summary>One event handed out by <c>GET /runtime/invocation/next</c>, with the headers that describe it.</summary>
/// <param name="TraceId">The raw <c>Lambda-Runtime-Trace-Id</c> (X-Ray format), if any.</param>
public sealed record LambdaInvocation(
    string RequestId,
    DateTimeOffset Deadline,
    string? FunctionArn,
    string? TraceId,
    ReadOnlyMemory<byte> Payload);
