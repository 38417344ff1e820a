using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SecureLambda.Functions.Runtime;

/// <summary>Deserializes the event and serializes the result with source-generated metadata (no reflection, AOT-safe).</summary>
public sealed class JsonLambdaHandler<TEvent, TResult>(
    IFunctionHandler<TEvent, TResult> inner,
    JsonTypeInfo<TEvent> eventType,
    JsonTypeInfo<TResult> resultType) : ILambdaHandler
{
    public async Task<byte[]> HandleAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
    {
        var @event = JsonSerializer.Deserialize(invocation.Payload.Span, eventType)
            ?? throw new JsonException($"The event is null; expected a {typeof(TEvent).Name}.");
        var result = await inner.HandleAsync(@event, cancellationToken);
        return JsonSerializer.SerializeToUtf8Bytes(result, resultType);
    }
}
