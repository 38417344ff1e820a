using System.Diagnostics;
using System.Globalization;
using System.Text;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Options;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>An SNS → Lambda subscription, modelled with an engine queue subscribed to the topic.</summary>
/// <param name="MaxReceiveCount">Receives before the queue's redrive policy moves a message to its DLQ.</param>
public sealed record AsyncDeliverySubscription(string FunctionName, string TopicArn, string SubscriptionArn, string QueueUrl, int MaxReceiveCount);

/// <summary>
/// SNS → Lambda asynchronous delivery with AWS's retry semantics. In AWS, Lambda queues the event internally, retries a
/// failed invocation twice, then sends it to the DLQ. Here the queue is a real engine queue with a redrive policy
/// (see Provisioning): a message is deleted only after the function succeeded; on failure it is left for redelivery,
/// so after <c>MaxReceiveCount</c> attempts the engine moves it to the DLQ and nothing is lost.
/// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
/// </summary>
public sealed partial class AsyncDeliveryWorker(
    IAmazonSQS sqs,
    AsyncDeliverySubscriptions subscriptions,
    LambdaFunctions functions,
    LambdaInvoker invoker,
    IOptions<LocalLambdaOptions> options,
    ILogger<AsyncDeliveryWorker> logger) : BackgroundService
{
    private const string TraceParentAttribute = "traceparent";

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
        var all = await subscriptions.WaitAsync(stoppingToken);
        await Task.WhenAll(all.Select(subscription => PollAsync(subscription, stoppingToken)));
    }

    private async Task PollAsync(AsyncDeliverySubscription subscription, CancellationToken stoppingToken)
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
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // An engine that is down or misconfigured must not stop the host; keep trying, visibly.
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
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The message stays in the queue: it is delivered again once its visibility times out.
                    LogDeliveryFailed(exception, message.MessageId, subscription.QueueUrl);
                }
            }
        }
    }

    private async Task DeliverAsync(AsyncDeliverySubscription subscription, LocalFunction function, Message message, CancellationToken stoppingToken)
    {
        var attempt = message.Attributes?.TryGetValue("ApproximateReceiveCount", out var count) == true
            ? int.Parse(count, CultureInfo.InvariantCulture)
            : 1;
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
        activity?.SetTag("messaging.message.id", lambdaEvent["Records"]![0]!["Sns"]!["MessageId"]!.GetValue<string>());
        activity?.SetTag("securelambda.delivery.attempt", attempt);

        var result = await invoker.InvokeAsync(function, Encoding.UTF8.GetBytes(lambdaEvent.ToJsonString()), stoppingToken);
        if (result.Succeeded)
        {
            await sqs.DeleteMessageAsync(subscription.QueueUrl, message.ReceiptHandle, stoppingToken);
            return;
        }

        activity?.SetStatus(ActivityStatusCode.Error, result.ErrorType ?? result.Status.ToString());
        if (attempt >= subscription.MaxReceiveCount)
        {
            LogDeadLettering(function.Definition.FunctionName, attempt, result.ErrorType ?? result.Status.ToString());
        }
        else
        {
            LogWillRetry(function.Definition.FunctionName, attempt, subscription.MaxReceiveCount, result.ErrorType ?? result.Status.ToString());
        }

        await RetryLaterAsync(subscription, message, stoppingToken);
    }

    private async Task RetryLaterAsync(AsyncDeliverySubscription subscription, Message message, CancellationToken stoppingToken)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{FunctionName} failed attempt {Attempt} of {MaxAttempts} ({Error}); the event will be retried")]
    private partial void LogWillRetry(string functionName, int attempt, int maxAttempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{FunctionName} failed its last attempt {Attempt} ({Error}); the event goes to the dead-letter queue")]
    private partial void LogDeadLettering(string functionName, int attempt, string error);
}

/// <summary>The SNS → Lambda subscriptions to deliver, known once provisioning has created their queues.</summary>
public sealed class AsyncDeliverySubscriptions
{
    private readonly TaskCompletionSource<IReadOnlyList<AsyncDeliverySubscription>> _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Register(IEnumerable<AsyncDeliverySubscription> subscriptions) => _all.TrySetResult(subscriptions.ToList());

    public Task<IReadOnlyList<AsyncDeliverySubscription>> WaitAsync(CancellationToken cancellationToken) => _all.Task.WaitAsync(cancellationToken);
}
