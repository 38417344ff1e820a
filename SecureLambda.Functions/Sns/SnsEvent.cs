using System.Text.Json.Serialization;

namespace SecureLambda.Functions.Sns;

/// <summary>
/// The event Lambda receives from an SNS subscription. Casing is the event's own (PascalCase, and
/// <c>SigningCertUrl</c> here where the SNS envelope says <c>SigningCertURL</c>).
/// https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
/// </summary>
public sealed record SnsEvent
{
    public List<SnsEventRecord>? Records { get; init; }
}

public sealed record SnsEventRecord
{
    public string? EventSource { get; init; }

    public string? EventSubscriptionArn { get; init; }

    public SnsMessage? Sns { get; init; }
}

public sealed record SnsMessage
{
    public string? Type { get; init; }

    public string? MessageId { get; init; }

    public string? TopicArn { get; init; }

    public string? Subject { get; init; }

    public string? Message { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public Dictionary<string, SnsMessageAttributeValue>? MessageAttributes { get; init; }
}

public sealed record SnsMessageAttributeValue(string? Type, string? Value);

/// <summary>What InternalLambda answers: how many greetings it handled.</summary>
public sealed record SnsBatchResult(int Processed);

[JsonSerializable(typeof(SnsEvent))]
[JsonSerializable(typeof(SnsBatchResult))]
public sealed partial class SnsJsonContext : JsonSerializerContext;
