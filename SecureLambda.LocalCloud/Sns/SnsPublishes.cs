using System.Collections.Specialized;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;

namespace SecureLambda.LocalCloud.Sns;

/// <summary>One message attribute as SNS keeps it: its data type and its string, or base64 binary, value.</summary>
public sealed record SnsAttributeValue(string DataType, string Value);

/// <summary>A message the engine accepted for a topic, with the id it gave it.</summary>
/// <param name="Message">What a lambda subscriber gets: with <c>MessageStructure=json</c>, the message's <c>lambda</c>
/// member, else its <c>default</c>.</param>
public sealed record PublishedMessage(
    string TopicArn,
    string MessageId,
    string Message,
    string? Subject,
    IReadOnlyDictionary<string, SnsAttributeValue> Attributes);

/// <summary>
/// Reads what a <c>Publish</c> or <c>PublishBatch</c> call published, from its Query-protocol fields and the engine's
/// answer: only what the engine accepted (each entry with its <c>MessageId</c>), as only that reaches subscribers.
/// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html, https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html
/// </summary>
public static class SnsPublishes
{
    public const string Publish = "Publish";
    public const string PublishBatch = "PublishBatch";

    /// <summary>The topic a call publishes to (<c>TopicArn</c>, or <c>TargetArn</c> for <c>Publish</c>), or null.</summary>
    public static string? TopicOf(string? operation, NameValueCollection fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (operation is not (Publish or PublishBatch))
        {
            return null;
        }

        return fields["TopicArn"] ?? (operation == Publish ? fields["TargetArn"] : null);
    }

    /// <summary>The messages the engine accepted, from the call's fields and the engine's 200 answer.</summary>
    /// <exception cref="FormatException">The engine's answer is not the operation's XML.</exception>
    public static IReadOnlyList<PublishedMessage> Accepted(string operation, NameValueCollection fields, ReadOnlySpan<byte> answer)
    {
        if (TopicOf(operation, fields) is not { } topicArn)
        {
            return [];
        }

        var document = Parse(answer);
        if (operation == Publish)
        {
            return Text(document, "MessageId") is { } messageId && Entry(fields, prefix: string.Empty, topicArn, messageId) is { } message
                ? [message]
                : [];
        }

        // Entries are matched by their Id, which the engine answers for each accepted one.
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var index = 1; fields[$"PublishBatchRequestEntries.member.{index}.Id"] is { } id; index++)
        {
            entries.TryAdd(id, $"PublishBatchRequestEntries.member.{index}.");
        }

        return
        [
            .. document.Descendants().Where(element => element.Name.LocalName == "Successful")
                .SelectMany(successful => successful.Elements().Where(member => member.Name.LocalName == "member"))
                .Select(member => (Id: Text(member, "Id"), MessageId: Text(member, "MessageId")))
                .Where(accepted => accepted.Id is not null && accepted.MessageId is not null && entries.ContainsKey(accepted.Id))
                .Select(accepted => Entry(fields, entries[accepted.Id!], topicArn, accepted.MessageId!))
                .OfType<PublishedMessage>(),
        ];
    }

    private static PublishedMessage? Entry(NameValueCollection fields, string prefix, string topicArn, string messageId)
    {
        if (fields[prefix + "Message"] is not { } message)
        {
            return null;
        }

        if (fields[prefix + "MessageStructure"] == "json")
        {
            // The engine accepted it, so it is a JSON object with a string "default".
            using var structure = JsonDocument.Parse(message);
            var root = structure.RootElement;
            message = (root.TryGetProperty("lambda", out var lambda) ? lambda : root.GetProperty("default")).GetString() ?? string.Empty;
        }

        var attributes = new Dictionary<string, SnsAttributeValue>(StringComparer.Ordinal);
        for (var index = 1; fields[$"{prefix}MessageAttributes.entry.{index}.Name"] is { } name; index++)
        {
            var value = $"{prefix}MessageAttributes.entry.{index}.Value.";
            if (fields[value + "DataType"] is { } dataType)
            {
                attributes[name] = new SnsAttributeValue(dataType, fields[value + "StringValue"] ?? fields[value + "BinaryValue"] ?? string.Empty);
            }
        }

        return new PublishedMessage(topicArn, messageId, message, fields[prefix + "Subject"], attributes);
    }

    private static XDocument Parse(ReadOnlySpan<byte> answer)
    {
        try
        {
            return XDocument.Parse(Encoding.UTF8.GetString(answer));
        }
        catch (XmlException exception)
        {
            throw new FormatException("The engine's answer to a publish is not XML.", exception);
        }
    }

    private static string? Text(XContainer container, string localName) =>
        container.Descendants().FirstOrDefault(element => element.Name.LocalName == localName)?.Value;

    /// <summary>SNS's timestamp: ISO 8601 in UTC with milliseconds (<c>2026-11-25T08:44:24.326Z</c>).</summary>
    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
