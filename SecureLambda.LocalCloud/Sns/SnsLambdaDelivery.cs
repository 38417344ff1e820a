using System.Diagnostics;
using Amazon.SQS;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Iam;
using SecureLambda.LocalCloud.Lambda;

namespace SecureLambda.LocalCloud.Sns;

/// <summary>
/// SNS's side of a lambda subscription: for each message the engine accepted for a topic, SNS invokes each subscribed
/// function asynchronously, which Lambda accepts into its event queue (<see cref="AsyncInvocations"/>) with the full
/// message attributes, so the publisher's <c>traceparent</c> rides along. SNS may invoke the function only if its
/// <c>AWS::Lambda::Permission</c>s allow <c>sns.amazonaws.com</c> for the topic; when they do not, that is a client-side
/// error, which SNS does not retry: the message goes to the subscription's dead-letter queue, if it has one, else it is
/// dropped, and the log says so.
/// https://docs.aws.amazon.com/sns/latest/dg/sns-lambda-as-subscriber.html,
/// https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html
/// </summary>
public sealed partial class SnsLambdaDelivery(
    DataPlaneState dataPlane,
    AsyncInvocations lambda,
    IamAuthorizer iam,
    IAmazonSQS sqs,
    TimeProvider timeProvider,
    ILogger<SnsLambdaDelivery> logger)
{
    /// <summary>Whether a topic has lambda subscribers, so a publish to it needs this delivery at all.</summary>
    public bool HasSubscribers(DataPlaneModel model, string? topicArn) =>
        topicArn is not null && model.SubscriptionsOf(topicArn).Any();

    /// <summary>Hands each message to each of its topic's lambda subscriptions.</summary>
    public async Task DeliverAsync(IReadOnlyList<PublishedMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var model = await dataPlane.WaitAsync(cancellationToken);
        foreach (var message in messages)
        {
            foreach (var route in model.SubscriptionsOf(message.TopicArn))
            {
                await DeliverAsync(model, route, message, cancellationToken);
            }
        }
    }

    private async Task DeliverAsync(DataPlaneModel model, SnsLambdaRoute route, PublishedMessage message, CancellationToken cancellationToken)
    {
        var subscription = route.Subscription;
        var function = model.Function(subscription.FunctionLogicalId);
        var notification = SnsEnvelope.For(message, subscription.SubscriptionArn, timeProvider.GetUtcNow());
        if (iam.AuthorizeServiceInvoke(model, "sns.amazonaws.com", function, subscription.TopicArn) is { IsAllowed: false } denied)
        {
            Activity.Current?.AddEvent(new ActivityEvent("sns.delivery.denied", tags: new ActivityTagsCollection { ["securelambda.subscription"] = subscription.SubscriptionArn }));
            if (route.DeadLetter is { } deadLetter)
            {
                await sqs.SendMessageAsync(deadLetter.QueueUrl, SnsEnvelope.Serialize(notification), cancellationToken);
                LogDeadLettered(message.MessageId, function.FunctionName, deadLetter.Arn, denied.DeniedMessage!);
            }
            else
            {
                LogDropped(message.MessageId, function.FunctionName, denied.DeniedMessage!);
            }

            return;
        }

        var payload = SnsEnvelope.Serialize(SnsEnvelope.ToLambdaEvent(notification, subscription.SubscriptionArn));
        // The publish call's span continues the trace; without one (no listener), the publisher's own attribute.
        var traceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } current } ? current : message.Attributes.GetValueOrDefault("traceparent")?.Value;
        lambda.Accept(function, payload, $"{subscription.SubscriptionArn}/{message.MessageId}", traceParent, subscription.TopicArn);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "SNS could not deliver message {MessageId} to {FunctionName}, and sent it to the subscription's dead-letter queue {DeadLetterQueue}: {Reason}")]
    private partial void LogDeadLettered(string messageId, string functionName, string deadLetterQueue, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "SNS could not deliver message {MessageId} to {FunctionName}, and dropped it: the subscription has no dead-letter queue. {Reason}")]
    private partial void LogDropped(string messageId, string functionName, string reason);
}
