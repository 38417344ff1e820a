using System.Text.Json;
using System.Text.Json.Nodes;

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
    public static JsonObject? ToLambdaEvent(string body, string subscriptionArn, out string? problem)
    {
        JsonObject envelope;
        try
        {
            envelope = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (JsonException exception)
        {
            problem = $"the message body is not a JSON object ({exception.Message})";
            return null;
        }

        if (envelope["Type"]?.GetValueKind() != JsonValueKind.String || envelope["MessageId"]?.GetValueKind() != JsonValueKind.String
            || envelope["Message"]?.GetValueKind() != JsonValueKind.String)
        {
            problem = "the message body is not an SNS envelope (Type, MessageId and Message are required)";
            return null;
        }

        problem = null;
        var sns = new JsonObject
        {
            ["Type"] = Copy(envelope, "Type"),
            ["MessageId"] = Copy(envelope, "MessageId"),
            ["TopicArn"] = Copy(envelope, "TopicArn"),
            ["Subject"] = Copy(envelope, "Subject"),
            ["Message"] = Copy(envelope, "Message"),
            ["Timestamp"] = Copy(envelope, "Timestamp"),
            ["SignatureVersion"] = Copy(envelope, "SignatureVersion"),
            ["Signature"] = Copy(envelope, "Signature"),
            ["SigningCertUrl"] = Copy(envelope, "SigningCertURL"),
            ["UnsubscribeUrl"] = Copy(envelope, "UnsubscribeURL"),
            ["MessageAttributes"] = envelope["MessageAttributes"]?.DeepClone() ?? new JsonObject(),
        };
        return new JsonObject
        {
            ["Records"] = new JsonArray(new JsonObject
            {
                ["EventSource"] = "aws:sns",
                ["EventVersion"] = "1.0",
                ["EventSubscriptionArn"] = subscriptionArn,
                ["Sns"] = sns,
            }),
        };
    }

    /// <summary>The string value of a <c>String</c> message attribute, if the envelope carries it.</summary>
    public static string? StringAttribute(JsonObject lambdaEvent, string name) =>
        lambdaEvent["Records"]?[0]?["Sns"]?["MessageAttributes"]?[name]?["Value"]?.GetValue<string>();

    private static JsonNode? Copy(JsonObject envelope, string name) => envelope[name]?.DeepClone();
}
