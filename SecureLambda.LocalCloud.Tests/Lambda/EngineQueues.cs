using System.Text.Json;
using SecureLambda.Aws.Core;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Engine;
using SecureLambda.LocalCloud.Provisioning;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Lambda;

/// <summary>An SNS → Lambda route as provisioning makes it in the engine: the topic, its subscription, the async queue and its dead-letter queue.</summary>
internal sealed record EngineRoute(string TopicArn, string SubscriptionArn, string QueueUrl, string DeadLetterQueueUrl);

/// <summary>
/// The engine queues the asynchronous-delivery tests need, made in moto with the AWS CLI, and a <see cref="LocalLambdaHost"/>
/// delivering from them: the one copy for every test of SNS → Lambda and of failed events.
/// </summary>
internal sealed class EngineQueues(MotoServer moto)
{
    public const int MaxReceiveCount = 3;

    /// <summary>The function the asynchronous-delivery tests deliver to, standing for the template's InternalLambda.</summary>
    public static readonly LambdaFunctionDefinition InternalLambda =
        new("InternalLambda", "secure-lambda-InternalLambda", "arn:aws:lambda:us-east-1:123456789012:function:secure-lambda-InternalLambda", TimeSpan.FromSeconds(5));

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public async Task<AsyncFailureTarget> CreateQueueAsync(string name)
    {
        var url = (await moto.AwsCliAsync("sqs", "create-queue", "--queue-name", name))!.Value.GetProperty("QueueUrl").GetString()!;
        return new AsyncFailureTarget(await QueueArnAsync(url), url);
    }

    /// <summary>A topic subscribed by an async queue whose dead-letter queue takes what <see cref="MaxReceiveCount"/> receives did not delete.</summary>
    public async Task<EngineRoute> CreateRouteAsync(string name)
    {
        var topicArn = (await moto.AwsCliAsync("sns", "create-topic", "--name", $"{name}-topic"))!.Value.GetProperty("TopicArn").GetString()!;
        var dlqUrl = (await moto.AwsCliAsync("sqs", "create-queue", "--queue-name", $"{name}-async-dlq"))!.Value.GetProperty("QueueUrl").GetString()!;
        var redrive = JsonSerializer.Serialize(new { deadLetterTargetArn = await QueueArnAsync(dlqUrl), maxReceiveCount = MaxReceiveCount });
        var attributes = JsonSerializer.Serialize(new Dictionary<string, string> { ["RedrivePolicy"] = redrive });
        var queueUrl = (await moto.AwsCliAsync("sqs", "create-queue", "--queue-name", $"{name}-async", "--attributes", attributes))!.Value.GetProperty("QueueUrl").GetString()!;
        var subscriptionArn = (await moto.AwsCliAsync("sns", "subscribe", "--topic-arn", topicArn, "--protocol", "sqs", "--notification-endpoint", await QueueArnAsync(queueUrl)))!
            .Value.GetProperty("SubscriptionArn").GetString()!;
        return new EngineRoute(topicArn, subscriptionArn, queueUrl, dlqUrl);
    }

    /// <summary>The local Lambda for <paramref name="function"/>, delivering from <paramref name="route"/> when one is given.</summary>
    public Task<LocalLambdaHost> StartHostAsync(LambdaFunctionDefinition function, EngineRoute? route) =>
        LocalLambdaHost.StartAsync(
            [function],
            EngineClients.CreateSqs(AwsClientContext.FromEnvironment(name => moto.ClientEnvironment.GetValueOrDefault(name))),
            route is { } r ? [new AsyncDeliveryRoute(r.TopicArn, function.LogicalId, function.LogicalId, r.SubscriptionArn, r.QueueUrl, r.DeadLetterQueueUrl, MaxReceiveCount)] : []);

    public async Task<string> QueueArnAsync(string queueUrl) =>
        (await moto.AwsCliAsync("sqs", "get-queue-attributes", "--queue-url", queueUrl, "--attribute-names", "QueueArn"))!
            .Value.GetProperty("Attributes").GetProperty("QueueArn").GetString()!;

    /// <summary>The first message the queue hands out, received as a consumer would; fails after a minute without one.</summary>
    public async Task<JsonElement> WaitForMessageAsync(string queueUrl, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        while (true)
        {
            deadline.Token.ThrowIfCancellationRequested();
            var reply = await moto.AwsCliAsync("sqs", "receive-message", "--queue-url", queueUrl, "--wait-time-seconds", "1", "--message-attribute-names", "All");
            if (reply?.TryGetProperty("Messages", out var messages) == true)
            {
                return messages[0];
            }
        }
    }
}
