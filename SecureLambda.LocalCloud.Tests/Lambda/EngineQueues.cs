using System.Text.Json;
using SecureLambda.Aws.Core;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Engine;
using SecureLambda.LocalCloud.Provisioning;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Lambda;

/// <summary>
/// The engine queues the asynchronous-invocation tests need, made in moto with the AWS CLI, and a
/// <see cref="LocalLambdaHost"/> with a lambda subscription to a topic: the one copy for every test of SNS → Lambda and
/// of failed events.
/// </summary>
internal sealed class EngineQueues(MotoServer moto)
{
    /// <summary>The function the asynchronous-delivery tests deliver to, standing for the template's InternalLambda.</summary>
    public static readonly LambdaFunctionDefinition InternalLambda =
        new("InternalLambda", "secure-lambda-InternalLambda", "arn:aws:lambda:us-east-1:123456789012:function:secure-lambda-InternalLambda", TimeSpan.FromSeconds(5));

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public async Task<AsyncFailureTarget> CreateQueueAsync(string name)
    {
        var url = (await moto.AwsCliAsync("sqs", "create-queue", "--queue-name", name))!.Value.GetProperty("QueueUrl").GetString()!;
        return new AsyncFailureTarget(await QueueArnAsync(url), url);
    }

    /// <summary>A lambda subscription of <paramref name="function"/> to the topic <c>{name}-topic</c>, with a dead-letter queue when one is given.</summary>
    public static SnsLambdaRoute Subscription(string name, LambdaFunctionDefinition function, AsyncFailureTarget? deadLetter = null)
    {
        var topicArn = $"arn:aws:sns:us-east-1:123456789012:{name}-topic";
        return new SnsLambdaRoute(
            new LambdaSubscription($"{name}Subscription", topicArn, function.LogicalId, function.FunctionName, $"{topicArn}:{Guid.NewGuid()}", deadLetter?.Arn),
            deadLetter);
    }

    /// <summary>The local Lambda for <paramref name="function"/>, with <paramref name="route"/> when one is given, its failures written to moto.</summary>
    public Task<LocalLambdaHost> StartHostAsync(LambdaFunctionDefinition function, SnsLambdaRoute? route, string? eventQueuePath = null) =>
        LocalLambdaHost.StartAsync(
            [function],
            EngineClients.CreateSqs(AwsClientContext.FromEnvironment(name => moto.ClientEnvironment.GetValueOrDefault(name))),
            route is null ? [] : [route],
            eventQueuePath);

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
