using System.Text.Json.Serialization;

namespace SecureLambda.Aws.Lambda.Events;

/// <summary>
/// The event Lambda receives from an SNS subscription, member for member. Casing is the event's own (PascalCase, and
/// <c>SigningCertUrl</c>/<c>UnsubscribeUrl</c> here where the SNS envelope says <c>SigningCertURL</c>/<c>UnsubscribeURL</c>).
/// LocalCloud's async delivery writes it; InternalLambda reads it. https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
/// </summary>
public sealed record SnsEvent
{
    public List<SnsEventRecord>? Records { get; init; }
}

public sealed record SnsEventRecord
{
    public string? EventSource { get; init; }

    public string? EventVersion { get; init; }

    public string? EventSubscriptionArn { get; init; }

    public SnsMessage? Sns { get; init; }
}

/// <summary>One SNS notification; <see cref="Timestamp"/> stays the ISO 8601 text SNS wrote.</summary>
public sealed record SnsMessage
{
    public string? Type { get; init; }

    public string? MessageId { get; init; }

    public string? TopicArn { get; init; }

    public string? Subject { get; init; }

    public string? Message { get; init; }

    public string? Timestamp { get; init; }

    public string? SignatureVersion { get; init; }

    public string? Signature { get; init; }

    public string? SigningCertUrl { get; init; }

    public string? UnsubscribeUrl { get; init; }

    public Dictionary<string, SnsMessageAttributeValue>? MessageAttributes { get; init; }
}

/// <summary>A message attribute: <c>Type</c> is <c>String</c>, <c>String.Array</c>, <c>Number</c> or <c>Binary</c> (base64).</summary>
public sealed record SnsMessageAttributeValue(string? Type, string? Value);

[JsonSerializable(typeof(SnsEvent))]
public sealed partial class SnsEventJsonContext : JsonSerializerContext;
