using System.Text.Json;
using System.Text.Json.Serialization;
using SecureLambda.Aws.Lambda.Events;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>
/// Turns the SNS envelope that an SQS subscription receives (raw delivery off) into the event Lambda gets from an SNS
/// subscription. The two differ in casing: <c>SigningCertURL</c>/<c>UnsubscribeURL</c> in the envelope,
/// <c>SigningCertUrl</c>/<c>UnsubscribeUrl</c> in the event.
/// https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html, https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
/// </summary>
public static class SnsEnvelope
{
    /// <summary>The SNS event for one envelope, or null (with the reason) when the body is not an SNS notification.</summary>
    public static SnsEvent? ToLambdaEvent(string body, string subscriptionArn, out string? problem)
    {
        Notification? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(body, SnsEnvelopeJsonContext.Default.Notification)
                ?? throw new JsonException("not a JSON object");
        }
        catch (JsonException exception)
        {
            problem = $"the message body is not a JSON object ({exception.Message})";
            return null;
        }

        if (envelope.Type is null || envelope.MessageId is null || envelope.Message is null)
        {
            problem = "the message body is not an SNS envelope (Type, MessageId and Message are required)";
            return null;
        }

        problem = null;
        return new SnsEvent
        {
            Records =
            [
                new SnsEventRecord
                {
                    EventSource = "aws:sns",
                    EventVersion = "1.0",
                    EventSubscriptionArn = subscriptionArn,
                    Sns = new SnsMessage
                    {
                        Type = envelope.Type,
                        MessageId = envelope.MessageId,
                        TopicArn = envelope.TopicArn,
                        Subject = envelope.Subject,
                        Message = envelope.Message,
                        Timestamp = envelope.Timestamp,
                        SignatureVersion = envelope.SignatureVersion,
                        Signature = envelope.Signature,
                        SigningCertUrl = envelope.SigningCertURL,
                        UnsubscribeUrl = envelope.UnsubscribeURL,
                        MessageAttributes = envelope.MessageAttributes ?? [],
                    },
                },
            ],
        };
    }

    /// <summary>The event as the function receives it.</summary>
    public static byte[] Serialize(SnsEvent lambdaEvent) =>
        JsonSerializer.SerializeToUtf8Bytes(lambdaEvent, SnsEventJsonContext.Default.SnsEvent);

    /// <summary>The string value of a <c>String</c> message attribute, if the envelope carries it.</summary>
    public static string? StringAttribute(SnsEvent lambdaEvent, string name) =>
        lambdaEvent.Records?[0].Sns?.MessageAttributes?.GetValueOrDefault(name)?.Value;

    /// <summary>
    /// The JSON document SNS delivers to an SQS subscription.
    /// https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html#http-notification-json
    /// </summary>
    internal sealed record Notification(
        string? Type,
        string? MessageId,
        string? TopicArn,
        string? Subject,
        string? Message,
        string? Timestamp,
        string? SignatureVersion,
        string? Signature,
        string? SigningCertURL,
        string? UnsubscribeURL,
        Dictionary<string, SnsMessageAttributeValue>? MessageAttributes);
}

[JsonSerializable(typeof(SnsEnvelope.Notification))]
internal sealed partial class SnsEnvelopeJsonContext : JsonSerializerContext;
