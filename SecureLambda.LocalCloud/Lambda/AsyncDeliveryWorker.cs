using System.Diagnostics;
using System.Globalization;
using System.Text;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Options;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Diagnostics;
using SecureLambda.LocalCloud.Iam;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>
/// SNS → Lambda asynchronous delivery with AWS's retry semantics. In AWS, Lambda queues the event internally, retries a
/// failed invocation (<see cref="AsyncRetryRules"/>), then sends it where the template says (<see cref="AsyncFailureRouter"/>).
/// Here the queue is a real engine queue: a message is deleted only once the function succeeded or its failure was
/// written; a retry is a copy of the message carrying the failed attempts so far (so a throttle, which does not count,
/// and a LocalCloud restart lose nothing and count nothing twice), sent before the original is deleted.
/// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
/// </summary>
public sealed partial class AsyncDeliveryWorker(
    IAmazonSQS sqs,
    DataPlaneState state,
    LambdaFunctions functions,
    LambdaInvoker invoker,
    AsyncFailureRouter failures,
    IamAuthorizer iam,
    IOptions<LocalLambdaOptions> options,
    TimeProvider timeProvider,
    ILogger<AsyncDeliveryWorker> logger) : BackgroundService
{
    private const string TraceParentAttribute = "traceparent";

    /// <summary>The SQS message attribute (on LocalCloud's private queue only) with the failed attempts so far.</summary>
    internal const string FailedAttemptsAttribute = "LocalCloud.FailedAttempts";

    /// <summary>The long-poll wait of each receive.</summary>
    private const int ReceiveWaitSeconds = 5;

    private static readonly TimeSpan ReceiveFailureBackoff = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a failed message stays invisible before its next attempt. AWS waits about one, then two minutes;
    /// locally <see cref="LocalLambdaOptions.AsyncRetryDelay"/>, so a developer sees the retries and the dead letter at once.
    /// </summary>
    private TimeSpan RetryDelay => options.Value.AsyncRetryDelay;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var all = (await state.WaitAsync(stoppingToken)).Subscriptions;
        await Task.WhenAll(all.Select(subscription => PollAsync(subscription, stoppingToken)));
    }

    private async Task PollAsync(AsyncDeliveryRoute subscription, CancellationToken stoppingToken)
    {
        var function = await functions.FindAsync(subscription.FunctionName, stoppingToken)
            ?? throw new InvalidOperationException($"The subscription {subscription.SubscriptionArn} names function {subscription.FunctionName}, which the stack does not have.");

        // The message must stay hidden while the function runs, or the engine would hand it out twice.
        var visibility = (int)Math.Ceiling(function.Definition.Timeout.TotalSeconds * 2 + 5);
        while (!stoppingToken.IsCancellationRequested)
        {
            ReceiveMessageResponse response;
            try
            {
                response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
                {
                    QueueUrl = subscription.QueueUrl,
                    MaxNumberOfMessages = 1,
                    WaitTimeSeconds = ReceiveWaitSeconds,
                    VisibilityTimeout = visibility,
                    MessageAttributeNames = ["All"],
                    MessageSystemAttributeNames = ["ApproximateReceiveCount"],
                }, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // An engine that is down, hung (the SDK's timeout is an OperationCanceledException) or misconfigured
                // must not stop the host; keep trying, visibly.
                LogReceiveFailed(exception, subscription.QueueUrl);
                await Task.Delay(ReceiveFailureBackoff, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            foreach (var message in response.Messages ?? [])
            {
                try
                {
                    await DeliverAsync(subscription, function, message, stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // The message stays in the queue: it is delivered again once its visibility times out.
                    LogDeliveryFailed(exception, message.MessageId, subscription.QueueUrl);
                }
            }
        }
    }

    private async Task DeliverAsync(AsyncDeliveryRoute subscription, LocalFunction function, Message message, CancellationToken stoppingToken)
    {
        var failed = message.MessageAttributes?.TryGetValue(FailedAttemptsAttribute, out var counted) == true
            && int.TryParse(counted.StringValue, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        var lambdaEvent = SnsEnvelope.ToLambdaEvent(message.Body, subscription.SubscriptionArn, out var problem);
        if (lambdaEvent is null)
        {
            // Not deleted: after MaxReceiveCount receives the engine dead-letters it, where it can be inspected.
            LogNotAnSnsEnvelope(message.MessageId, subscription.QueueUrl, problem!);
            await RetryLaterAsync(subscription, message, stoppingToken);
            return;
        }

        ActivityContext.TryParse(SnsEnvelope.StringAttribute(lambdaEvent, TraceParentAttribute), null, out var publisher);
        using var activity = LocalCloudTelemetry.Source.StartActivity(
            $"SNS deliver {function.Definition.FunctionName}", ActivityKind.Consumer, publisher);
        activity?.SetTag("messaging.system", "aws_sns");
        activity?.SetTag("messaging.destination.name", subscription.TopicArn);
        activity?.SetTag("messaging.message.id", lambdaEvent.Records![0].Sns!.MessageId);
        activity?.SetTag("securelambda.delivery.attempt", failed + 1);

        var definition = function.Definition;

        // SNS invokes the function as sns.amazonaws.com for the topic: the function's AWS::Lambda::Permission must allow
        // it. When it does not, SNS cannot hand the message to Lambda at all: it is not deleted, and after the queue's
        // receives it is dead-lettered, as SNS dead-letters what it cannot deliver.
        // https://docs.aws.amazon.com/sns/latest/dg/sns-lambda-as-subscriber.html
        if (iam.AuthorizeServiceInvoke(await state.WaitAsync(stoppingToken), "sns.amazonaws.com", definition, subscription.TopicArn) is { IsAllowed: false } denied)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "AccessDeniedException");
            LogDeliveryDenied(message.MessageId, definition.FunctionName, denied.DeniedMessage!);
            await RetryLaterAsync(subscription, message, stoppingToken);
            return;
        }

        var payload = SnsEnvelope.Serialize(lambdaEvent);
        var published = DateTimeOffset.TryParse(
            lambdaEvent.Records![0].Sns!.Timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var timestamp)
            ? timestamp
            : timeProvider.GetUtcNow();
        if (AsyncRetryRules.IsTooOld(definition, timeProvider.GetUtcNow() - published))
        {
            await failures.RouteAsync(definition, payload, AsyncRetryRules.EventAgeExceeded, failed, null, stoppingToken);
            await sqs.DeleteMessageAsync(subscription.QueueUrl, message.ReceiptHandle, stoppingToken);
            return;
        }

        var result = await invoker.InvokeAsync(function, payload, stoppingToken);
        failed += AsyncRetryRules.Counts(result) ? 1 : 0;
        var step = AsyncRetryRules.Next(definition, result, failed, timeProvider.GetUtcNow() - published);
        if (step != AsyncStep.Done)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.ErrorType ?? result.Status.ToString());
        }

        switch (step)
        {
            case AsyncStep.Done:
                await sqs.DeleteMessageAsync(subscription.QueueUrl, message.ReceiptHandle, stoppingToken);
                return;
            case AsyncStep.Fail:
                await failures.RouteAsync(definition, payload, AsyncRetryRules.Condition(failed, definition), failed, result, stoppingToken);
                await sqs.DeleteMessageAsync(subscription.QueueUrl, message.ReceiptHandle, stoppingToken);
                return;
            default:
                LogWillRetry(definition.FunctionName, failed, definition.MaximumRetryAttempts + 1, result.ErrorType ?? result.Status.ToString());
                await RequeueAsync(subscription, message, failed, step == AsyncStep.RetryUncounted, stoppingToken);
                return;
        }
    }

    /// <summary>A copy with the failed attempts so far, after the retry delay; then the original goes.</summary>
    private async Task RequeueAsync(AsyncDeliveryRoute subscription, Message message, int failed, bool throttled, CancellationToken stoppingToken)
    {
        var delay = throttled && RetryDelay < EventInvocations.ThrottleBackoff ? EventInvocations.ThrottleBackoff : RetryDelay;
        await sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = subscription.QueueUrl,
            MessageBody = message.Body,
            DelaySeconds = (int)Math.Ceiling(delay.TotalSeconds),
            MessageAttributes = new Dictionary<string, MessageAttributeValue>(StringComparer.Ordinal)
            {
                [FailedAttemptsAttribute] = new() { DataType = "Number", StringValue = failed.ToString(CultureInfo.InvariantCulture) },
            },
        }, stoppingToken);
        await sqs.DeleteMessageAsync(subscription.QueueUrl, message.ReceiptHandle, stoppingToken);
    }

    private async Task RetryLaterAsync(AsyncDeliveryRoute subscription, Message message, CancellationToken stoppingToken)
    {
        try
        {
            await sqs.ChangeMessageVisibilityAsync(subscription.QueueUrl, message.ReceiptHandle, (int)RetryDelay.TotalSeconds, stoppingToken);
        }
        catch (AmazonServiceException exception)
        {
            // The message then reappears after the full visibility timeout instead: later, but not lost.
            LogDeliveryFailed(exception, message.MessageId, subscription.QueueUrl);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiving from {QueueUrl} failed")]
    private partial void LogReceiveFailed(Exception exception, string queueUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering message {MessageId} from {QueueUrl} failed; it will be received again")]
    private partial void LogDeliveryFailed(Exception exception, string messageId, string queueUrl);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} in {QueueUrl} is not deliverable to Lambda: {Problem}")]
    private partial void LogNotAnSnsEnvelope(string messageId, string queueUrl, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "SNS could not deliver message {MessageId} to {FunctionName}: {Reason}")]
    private partial void LogDeliveryDenied(string messageId, string functionName, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{FunctionName} has {Attempt} failed attempts of {MaxAttempts} ({Error}); the event will be retried")]
    private partial void LogWillRetry(string functionName, int attempt, int maxAttempts, string error);
}
