using System.Text.Json.Serialization;

namespace SecureLambda.Functions.Sns;

/// <summary>What InternalLambda answers: how many greetings it handled.</summary>
public sealed record SnsBatchResult(int Processed);

[JsonSerializable(typeof(SnsBatchResult))]
public sealed partial class SnsBatchResultJsonContext : JsonSerializerContext;
