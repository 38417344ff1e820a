using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SecureLambda.Aws.Lambda.Events;
using SecureLambda.Functions.Greetings;
using SecureLambda.Functions.Runtime;
using SecureLambda.Functions.Sns;
using SecureLambda.Functions.Telemetry;
using SecureLambda.Functions.Tests.Events;

namespace SecureLambda.Functions.Tests.Greetings;

public sealed class InternalGreetingHandlerTests : IDisposable
{
    private readonly StringWriter _output = new();
    private readonly ILoggerFactory _loggers;
    private readonly JsonLambdaHandler<SnsEvent, SnsBatchResult> _handler;

    public InternalGreetingHandlerTests()
    {
        _loggers = LoggerFactory.Create(logging =>
            logging.AddProvider(new LambdaJsonLoggerProvider(_output, new FakeTimeProvider(), LogLevel.Information)));
        _handler = new JsonLambdaHandler<SnsEvent, SnsBatchResult>(
            new InternalGreetingHandler(_loggers.CreateLogger<InternalGreetingHandler>()),
            SnsEventJsonContext.Default.SnsEvent,
            SnsBatchResultJsonContext.Default.SnsBatchResult);
    }

    [Fact]
    public async Task LogsTheGreeting_AsAStructuredLineWithTheMessageId()
    {
        await InvokeAsync(TestEvents.SnsEvent("Ada"));

        var line = Assert.Single(LogLines());
        Assert.Equal("Hello Ada. Greetings from InternalLambda!", line["message"]!.GetValue<string>());
        Assert.Equal("INFO", line["level"]!.GetValue<string>());
        Assert.Equal("Ada", line["Name"]!.GetValue<string>());
        Assert.Equal("message-1", line["MessageId"]!.GetValue<string>());
        Assert.Equal("arn:aws:sns:us-east-1:123456789012:greetings", line["TopicArn"]!.GetValue<string>());
    }

    [Fact]
    public async Task HandlesEveryRecord_NotOnlyTheFirst()
    {
        var result = await InvokeAsync(TestEvents.SnsEvent("Ada", "Grace", "Edsger"));

        Assert.Equal(3, result.GetProperty("Processed").GetInt32());
        Assert.Equal(
            ["Hello Ada. Greetings from InternalLambda!", "Hello Grace. Greetings from InternalLambda!", "Hello Edsger. Greetings from InternalLambda!"],
            LogLines().Select(line => line["message"]!.GetValue<string>()));
        Assert.Equal(["message-1", "message-2", "message-3"], LogLines().Select(line => line["MessageId"]!.GetValue<string>()));
    }

    public static TheoryData<string, Action<JsonObject>> MalformedEvents => new()
    {
        { "no Records", e => e.Remove("Records") },
        { "empty Records", e => e["Records"] = new JsonArray() },
        { "another event source", e => e["Records"]![1]!["EventSource"] = "aws:sqs" },
        { "no Sns", e => e["Records"]![1]!.AsObject().Remove("Sns") },
        { "no Message", e => e["Records"]![1]!["Sns"]!.AsObject().Remove("Message") },
        { "empty Message", e => e["Records"]![1]!["Sns"]!["Message"] = "" },
        { "no MessageId", e => e["Records"]![1]!["Sns"]!.AsObject().Remove("MessageId") },
    };

    [Theory]
    [MemberData(nameof(MalformedEvents))]
    public async Task FailsTheInvocation_OnAMalformedRecord_AndLogsNoGreeting(string why, Action<JsonObject> spoil)
    {
        var @event = TestEvents.SnsEvent("Ada", "Grace");
        spoil(@event);

        await Assert.ThrowsAsync<MalformedSnsEventException>(() => InvokeAsync(@event));
        Assert.True(LogLines().Count == 0, $"A greeting was logged although the event had {why}.");
    }

    [Fact]
    public async Task FailsTheInvocation_WhenTheEventIsNotJson()
    {
        var invocation = TestEvents.Invocation(JsonValue.Create("x")!) with { Payload = "not json"u8.ToArray() };

        await Assert.ThrowsAsync<JsonException>(() => _handler.HandleAsync(invocation, TestContext.Current.CancellationToken));
    }

    public void Dispose()
    {
        _loggers.Dispose();
        _output.Dispose();
    }

    private async Task<JsonElement> InvokeAsync(JsonObject @event)
    {
        var response = await _handler.HandleAsync(TestEvents.Invocation(@event), TestContext.Current.CancellationToken);
        return JsonDocument.Parse(response).RootElement.Clone();
    }

    private List<JsonObject> LogLines() =>
        _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
}
