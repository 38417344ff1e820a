using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SecureLambda.Aws.Lambda.Events;
using SecureLambda.Functions.Runtime;
using SecureLambda.Functions.Sns;
using SecureLambda.Functions.Telemetry;

namespace SecureLambda.Functions.Greetings;

/// <summary>
/// <c>_HANDLER=internal</c> (InternalLambda): logs a greeting for every SNS record. Every record is checked before any
/// is handled, and a malformed one fails the whole invocation, so that Lambda retries it and finally dead-letters it
/// instead of the event being dropped in silence.
/// </summary>
public sealed partial class InternalGreetingHandler(ILogger<InternalGreetingHandler> logger)
    : IFunctionHandler<SnsEvent, SnsBatchResult>
{
    public const string SnsEventSource = "aws:sns";

    public Task<SnsBatchResult> HandleAsync(SnsEvent input, CancellationToken cancellationToken)
    {
        var records = Validate(input);
        foreach (var record in records)
        {
            using var activity = StartRecordActivity(record);
            using var scope = logger.BeginScope(new Dictionary<string, object?>
            {
                ["MessageId"] = record.MessageId,
                ["TopicArn"] = record.TopicArn,
            });
            LogGreeting(record.Message!);
        }

        return Task.FromResult(new SnsBatchResult(records.Count));
    }

    private static List<SnsMessage> Validate(SnsEvent @event)
    {
        if (@event.Records is not { Count: > 0 } records)
        {
            throw new MalformedSnsEventException("The event has no Records.");
        }

        var messages = new List<SnsMessage>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (record.EventSource != SnsEventSource)
            {
                throw new MalformedSnsEventException($"Record {i} has EventSource '{record.EventSource}', not '{SnsEventSource}'.");
            }

            if (record.Sns is not { } sns || string.IsNullOrWhiteSpace(sns.MessageId))
            {
                throw new MalformedSnsEventException($"Record {i} has no Sns.MessageId.");
            }

            if (string.IsNullOrWhiteSpace(sns.Message))
            {
                throw new MalformedSnsEventException($"Record {i} (message {sns.MessageId}) has no Sns.Message.");
            }

            messages.Add(sns);
        }

        return messages;
    }

    /// <summary>A span per record, linked to the publisher's span through the <c>traceparent</c> attribute.</summary>
    private static Activity? StartRecordActivity(SnsMessage record)
    {
        ActivityLink[]? links = null;
        if (record.MessageAttributes?.GetValueOrDefault(GreetingForwarder.TraceParentAttribute)?.Value is { } traceParent
            && ActivityContext.TryParse(traceParent, null, out var publisher))
        {
            links = [new ActivityLink(publisher)];
        }

        var activity = FunctionTelemetry.Source.StartActivity("process greeting", ActivityKind.Consumer, parentContext: default, links: links);
        activity?.SetTag("messaging.system", "aws_sns");
        activity?.SetTag("messaging.message.id", record.MessageId);
        activity?.SetTag("messaging.destination.name", record.TopicArn);
        return activity;
    }

    // The name is a field of the template, never part of it.
    [LoggerMessage(Level = LogLevel.Information, Message = "Hello {Name}. Greetings from InternalLambda!")]
    private partial void LogGreeting(string name);
}

/// <summary>The event is not an SNS event this function can handle; the invocation fails so Lambda retries it.</summary>
public sealed class MalformedSnsEventException(string message) : Exception(message);
