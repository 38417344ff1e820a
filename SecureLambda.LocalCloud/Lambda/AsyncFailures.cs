using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.SQS;
using Amazon.SQS.Model;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Iam;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>What Lambda does after one attempt at an asynchronous event.</summary>
public enum AsyncStep
{
    Done,

    /// <summary>A throttle or no execution environment: retried, and not counted as a failed attempt.</summary>
    RetryUncounted,

    /// <summary>A function error or timeout with retries left.</summary>
    Retry,

    /// <summary>No retries left (<c>RetriesExhausted</c>) or the event too old (<c>EventAgeExceeded</c>).</summary>
    Fail,
}

/// <summary>
/// Lambda's asynchronous retry rules, shared by SNS delivery and <c>Event</c> invokes: a function error or timeout is an
/// attempt, retried up to <c>MaximumRetryAttempts</c>; a throttle or a missing execution environment is retried until the
/// event is <c>MaximumEventAgeInSeconds</c> old without counting
/// (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
/// </summary>
public static class AsyncRetryRules
{
    public const string RetriesExhausted = "RetriesExhausted";
    public const string EventAgeExceeded = "EventAgeExceeded";

    /// <summary>Whether an event of this age may still be attempted.</summary>
    public static bool IsTooOld(LambdaFunctionDefinition function, TimeSpan age) => age > function.MaximumEventAge;

    /// <param name="failedAttempts">Failed attempts counted so far, including this one when it failed.</param>
    public static AsyncStep Next(LambdaFunctionDefinition function, InvocationResult result, int failedAttempts, TimeSpan age) => result.Status switch
    {
        InvocationStatus.Succeeded => AsyncStep.Done,
        InvocationStatus.NoRuntime or InvocationStatus.Throttled => IsTooOld(function, age) ? AsyncStep.Fail : AsyncStep.RetryUncounted,
        _ when failedAttempts > function.MaximumRetryAttempts || IsTooOld(function, age) => AsyncStep.Fail,
        _ => AsyncStep.Retry,
    };

    /// <summary>Counts a result as a failed attempt, or not.</summary>
    public static bool Counts(InvocationResult result) =>
        result.Status is InvocationStatus.FunctionError or InvocationStatus.TimedOut;

    public static string Condition(int failedAttempts, LambdaFunctionDefinition function) =>
        failedAttempts > function.MaximumRetryAttempts ? RetriesExhausted : EventAgeExceeded;
}

/// <summary>
/// Where an asynchronous event goes when Lambda gives up on it, as the template says: the on-failure destination gets
/// Lambda's invocation record; without one, the function's dead-letter queue gets the event itself with
/// <c>RequestID</c>, <c>ErrorCode</c> and <c>ErrorMessage</c> attributes; with neither, the event is discarded, and the
/// log says so (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html). Lambda writes to
/// either queue with the function's execution role, so the role must allow <c>sqs:SendMessage</c> on it; when it does
/// not, the record is lost, as in AWS, and the log says why (<see cref="IamAuthorizer"/>).
/// </summary>
public sealed partial class AsyncFailureRouter(IAmazonSQS sqs, DataPlaneState dataPlane, IamAuthorizer iam, TimeProvider timeProvider, ILogger<AsyncFailureRouter> logger)
{
    /// <param name="lastResult">The last attempt's outcome; null when the event was never attempted.</param>
    public async Task RouteAsync(
        LambdaFunctionDefinition function,
        byte[] payload,
        string condition,
        int approximateInvokeCount,
        InvocationResult? lastResult,
        CancellationToken cancellationToken)
    {
        var requestId = lastResult?.RequestId ?? Guid.NewGuid().ToString();
        if ((function.OnFailure ?? function.DeadLetter) is { } queue
            && iam.Authorize(await dataPlane.WaitAsync(cancellationToken), function, new IamTarget("sqs:SendMessage", queue.Arn), secureTransport: true) is { IsAllowed: false } denied)
        {
            LogDestinationDenied(function.FunctionName, condition, approximateInvokeCount, queue.Arn, denied.DeniedMessage!);
            return;
        }

        if (function.OnFailure is { } destination)
        {
            var record = InvocationRecord(function, payload, condition, approximateInvokeCount, lastResult, requestId, timeProvider.GetUtcNow());
            await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = destination.QueueUrl, MessageBody = record.ToJsonString() }, cancellationToken);
            LogSentToDestination(function.FunctionName, condition, approximateInvokeCount, destination.Arn);
            return;
        }

        if (function.DeadLetter is { } deadLetter)
        {
            var error = lastResult is { Payload.Length: > 0 } ? ErrorMessage(lastResult) : condition;
            await sqs.SendMessageAsync(new SendMessageRequest
            {
                QueueUrl = deadLetter.QueueUrl,
                MessageBody = System.Text.Encoding.UTF8.GetString(payload),
                MessageAttributes = new Dictionary<string, MessageAttributeValue>(StringComparer.Ordinal)
                {
                    ["RequestID"] = new() { DataType = "String", StringValue = requestId },
                    ["ErrorCode"] = new() { DataType = "Number", StringValue = "200" },
                    ["ErrorMessage"] = new() { DataType = "String", StringValue = error.Length > 1024 ? error[..1024] : error },
                },
            }, cancellationToken);
            LogSentToDeadLetterQueue(function.FunctionName, condition, approximateInvokeCount, deadLetter.Arn);
            return;
        }

        LogDiscarded(function.FunctionName, condition, approximateInvokeCount);
    }

    /// <summary>Lambda's invocation record, in the shape the AWS page shows.</summary>
    internal static JsonObject InvocationRecord(
        LambdaFunctionDefinition function,
        byte[] payload,
        string condition,
        int approximateInvokeCount,
        InvocationResult? lastResult,
        string requestId,
        DateTimeOffset now)
    {
        var record = new JsonObject
        {
            ["version"] = "1.0",
            ["timestamp"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["requestContext"] = new JsonObject
            {
                ["requestId"] = requestId,
                ["functionArn"] = $"{function.Arn}:$LATEST",
                ["condition"] = condition,
                ["approximateInvokeCount"] = approximateInvokeCount,
            },
            ["requestPayload"] = JsonOrString(payload),
        };
        if (lastResult is { Status: InvocationStatus.FunctionError or InvocationStatus.TimedOut })
        {
            record["responseContext"] = new JsonObject
            {
                ["statusCode"] = 200,
                ["executedVersion"] = "$LATEST",
                ["functionError"] = "Unhandled",
            };
            record["responsePayload"] = lastResult.Status == InvocationStatus.TimedOut
                ? new JsonObject
                {
                    ["errorMessage"] = $"{now.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} {lastResult.RequestId} Task timed out after {function.Timeout.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} seconds",
                }
                : JsonOrString(lastResult.Payload);
        }

        return record;
    }

    private static JsonNode? JsonOrString(byte[] bytes)
    {
        try
        {
            return JsonNode.Parse(bytes);
        }
        catch (JsonException)
        {
            return JsonValue.Create(System.Text.Encoding.UTF8.GetString(bytes));
        }
    }

    private static string ErrorMessage(InvocationResult result) =>
        JsonOrString(result.Payload) is JsonObject error && error["errorMessage"] is JsonValue message && message.TryGetValue<string>(out var text)
            ? text
            : result.ErrorType ?? result.Status.ToString();

    [LoggerMessage(Level = LogLevel.Warning, Message = "An asynchronous event for {FunctionName} failed ({Condition}, {Attempts} attempts); its invocation record went to the on-failure destination {Destination}")]
    private partial void LogSentToDestination(string functionName, string condition, int attempts, string destination);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An asynchronous event for {FunctionName} failed ({Condition}, {Attempts} attempts); it went to the dead-letter queue {DeadLetterQueue}")]
    private partial void LogSentToDeadLetterQueue(string functionName, string condition, int attempts, string deadLetterQueue);

    [LoggerMessage(Level = LogLevel.Error, Message = "An asynchronous event for {FunctionName} failed ({Condition}, {Attempts} attempts) and was lost: its execution role may not send it to {Destination}: {Reason}")]
    private partial void LogDestinationDenied(string functionName, string condition, int attempts, string destination, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "An asynchronous event for {FunctionName} failed ({Condition}, {Attempts} attempts) and was discarded: the function has neither an on-failure destination nor a dead-letter queue")]
    private partial void LogDiscarded(string functionName, string condition, int attempts);
}
