using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SecureLambda.Aws.Lambda.Events;

namespace SecureLambda.LocalCloud.Sns;

/// <summary>
/// The two shapes SNS writes a message in: the notification JSON an SQS or HTTP subscriber (and a subscription's
/// dead-letter queue) gets, and the event a Lambda subscriber gets. They differ in casing: <c>SigningCertURL</c> /
/// <c>UnsubscribeURL</c> in the first, <c>SigningCertUrl</c> / <c>UnsubscribeUrl</c> in the event.
/// https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html, https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
/// </summary>
public static class SnsEnvelope
{
    /// <summary>
    /// The notification for one subscription. LocalCloud holds no SNS signing key, so <c>Signature</c> is a SHA-256 digest
    /// of the message, not a signature a client could verify against <c>SigningCertURL</c>: nothing here is from AWS.
    /// </summary>
    public static Notification For(PublishedMessage message, string subscriptionArn, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(message);
        var region = message.TopicArn.Split(':') is { Length: > 3 } arn ? arn[3] : "us-east-1";
        var stamp = SnsPublishes.Timestamp(timestamp);
        return new Notification(
            "Notification",
            message.MessageId,
            message.TopicArn,
            message.Subject,
            message.Message,
            stamp,
            "1",
            Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes($"{message.MessageId}\n{message.TopicArn}\n{message.Message}\n{stamp}"))),
            $"https://sns.{region}.amazonaws.com/SimpleNotificationService-localcloud.pem",
            $"https://sns.{region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={subscriptionArn}",
            message.Attributes.ToDictionary(
                attribute => attribute.Key,
                attribute => new SnsMessageAttributeValue(attribute.Value.DataType, attribute.Value.Value),
                StringComparer.Ordinal));
    }

    /// <summary>The event a Lambda subscriber gets for the notification: one record.</summary>
    public static SnsEvent ToLambdaEvent(Notification notification, string subscriptionArn)
    {
        ArgumentNullException.ThrowIfNull(notification);
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
                        Type = notification.Type,
                        MessageId = notification.MessageId,
                        TopicArn = notification.TopicArn,
                        Subject = notification.Subject,
                        Message = notification.Message,
                        Timestamp = notification.Timestamp,
                        SignatureVersion = notification.SignatureVersion,
                        Signature = notification.Signature,
                        SigningCertUrl = notification.SigningCertURL,
                        UnsubscribeUrl = notification.UnsubscribeURL,
                        MessageAttributes = notification.MessageAttributes ?? [],
                    },
                },
            ],
        };
    }

    /// <summary>The event as the function receives it.</summary>
    public static byte[] Serialize(SnsEvent lambdaEvent) =>
        JsonSerializer.SerializeToUtf8Bytes(lambdaEvent, SnsEventJsonContext.Default.SnsEvent);

    /// <summary>The notification as an SQS subscriber receives it in a message body.</summary>
    public static string Serialize(Notification notification) =>
        JsonSerializer.Serialize(notification, SnsEnvelopeJsonContext.Default.Notification);

    /// <summary>
    /// The JSON document SNS delivers to an SQS subscription.
    /// https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html#http-notification-json
    /// </summary>
    public sealed record Notification(
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
