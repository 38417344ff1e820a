using System.Diagnostics;
using SecureLambda.Aws.Sns;

namespace SecureLambda.Functions.Greetings;

/// <summary>
/// The external functions' logic: publish the caller's name to the greeting topic for InternalLambda, and compose the
/// greeting. Failures propagate; the handler turns them into the API's answer.
/// </summary>
public sealed class GreetingForwarder(ITopicArnSource topicArns, ISnsClient sns, string greeterName)
{
    public const string TraceParentAttribute = "traceparent";
    public const string CallerAttribute = "caller";

    /// <summary>Publishes <paramref name="name"/> and returns the greeting for the caller.</summary>
    /// <param name="caller">The authorizer's <c>cognito:username</c>, when the request carried claims.</param>
    public async Task<string> ForwardAsync(string name, string? caller, CancellationToken cancellationToken)
    {
        try
        {
            var topicArn = await topicArns.GetTopicArnAsync(cancellationToken);
            await sns.PublishAsync(new SnsPublishRequest(topicArn, name, Attributes(caller)), cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            topicArns.Invalidate();
            throw;
        }

        return $"Hello {name}. Greetings from {greeterName}! Message forwarded to InternalLambda.";
    }

    private static Dictionary<string, string> Attributes(string? caller)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } traceParent })
        {
            attributes[TraceParentAttribute] = traceParent;
        }

        // SNS refuses empty attribute values, so an absent caller is left out rather than sent blank.
        if (!string.IsNullOrWhiteSpace(caller))
        {
            attributes[CallerAttribute] = caller;
        }

        return attributes;
    }
}
