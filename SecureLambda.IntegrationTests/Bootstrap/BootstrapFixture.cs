using System.Text.Json;
using SecureLambda.Testing;

namespace SecureLambda.IntegrationTests.Bootstrap;

/// <summary>
/// Once per collection: moto with the greeting topic, the <c>LambdaSNSTopicARN</c> secret and an SQS queue subscribed
/// to the topic (so a test can see exactly what was published), and one external and one internal function process,
/// each polling its own Runtime API under a path prefix.
/// </summary>
public sealed class BootstrapFixture : IAsyncLifetime
{
    public const string GreeterName = "ExternalLambda1";

    private readonly List<IAsyncDisposable> _owned = [];

    public MotoServer Moto { get; private set; } = null!;

    public string TopicArn { get; private set; } = null!;

    public string QueueUrl { get; private set; } = null!;

    public FakeLambdaRuntimeApi ExternalRuntime { get; private set; } = null!;

    public FakeLambdaRuntimeApi InternalRuntime { get; private set; } = null!;

    internal FunctionProcess InternalFunction { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Moto = await MotoServer.StartAsync();
        _owned.Add(Moto);

        TopicArn = (await Moto.AwsCliAsync("sns", "create-topic", "--name", "greetings"))!.Value.GetProperty("TopicArn").GetString()!;
        await Moto.AwsCliAsync("secretsmanager", "create-secret", "--name", "LambdaSNSTopicARN",
            "--secret-string", JsonSerializer.Serialize(new Dictionary<string, string> { ["TOPIC_ARN"] = TopicArn }));
        QueueUrl = (await Moto.AwsCliAsync("sqs", "create-queue", "--queue-name", "published"))!.Value.GetProperty("QueueUrl").GetString()!;
        var queueArn = (await Moto.AwsCliAsync("sqs", "get-queue-attributes", "--queue-url", QueueUrl, "--attribute-names", "QueueArn"))!
            .Value.GetProperty("Attributes").GetProperty("QueueArn").GetString()!;
        await Moto.AwsCliAsync("sns", "subscribe", "--topic-arn", TopicArn, "--protocol", "sqs", "--notification-endpoint", queueArn);

        ExternalRuntime = await FakeLambdaRuntimeApi.StartAsync("ExternalLambda1");
        _owned.Add(ExternalRuntime);
        _owned.Add(StartFunction(ExternalRuntime, "external", GreeterName));

        InternalRuntime = await FakeLambdaRuntimeApi.StartAsync("InternalLambda");
        _owned.Add(InternalRuntime);
        InternalFunction = StartFunction(InternalRuntime, "internal", greeterName: null);
        _owned.Add(InternalFunction);
    }

    internal FunctionProcess StartFunction(FakeLambdaRuntimeApi runtime, string handler, string? greeterName, params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>(Moto.ClientEnvironment)
        {
            ["AWS_LAMBDA_RUNTIME_API"] = runtime.Address,
            ["AWS_LAMBDA_FUNCTION_NAME"] = runtime.PathPrefix,
            ["_HANDLER"] = handler,
        };
        if (greeterName is not null)
        {
            environment["GREETER_NAME"] = greeterName;
        }

        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return FunctionProcess.Start(environment);
    }

    /// <summary>Receives from the subscribed queue until <paramref name="done"/> holds for what arrived, or the deadline passes.</summary>
    public async Task<List<JsonElement>> ReceivePublishedAsync(Func<List<JsonElement>, bool> done, TimeSpan timeout)
    {
        var received = new List<JsonElement>();
        using var deadline = new CancellationTokenSource(timeout);
        while (!done(received))
        {
            deadline.Token.ThrowIfCancellationRequested();
            var reply = await Moto.AwsCliAsync("sqs", "receive-message", "--queue-url", QueueUrl,
                "--max-number-of-messages", "10", "--wait-time-seconds", "1", "--message-attribute-names", "All");
            if (reply?.TryGetProperty("Messages", out var messages) == true)
            {
                foreach (var message in messages.EnumerateArray())
                {
                    received.Add(JsonDocument.Parse(message.GetProperty("Body").GetString()!).RootElement.Clone());
                    await Moto.AwsCliAsync("sqs", "delete-message", "--queue-url", QueueUrl, "--receipt-handle", message.GetProperty("ReceiptHandle").GetString()!);
                }
            }
        }

        return received;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BootstrapCollectionDefinition : ICollectionFixture<BootstrapFixture>
{
    public const string Name = "bootstrap on moto";
}
