using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecureLambda.IntegrationTests.Bootstrap;

/// <summary>
/// The function binary, as its own process, against a Runtime API and moto: the proxy and SNS events in, exactly the
/// specified answers out, and exactly the specified messages published.
/// </summary>
[Collection(BootstrapCollectionDefinition.Name)]
public sealed class BootstrapProcessTests(BootstrapFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string TraceHeader = "Root=1-6744f1c0-0af7651916cd43dd8448eb21;Parent=b7ad6b7169203331;Sampled=1";

    [Fact]
    public async Task External_Answers200_AndPublishesTheNameWithCallerAndTraceParent()
    {
        var outcome = await InvokeExternalAsync(ProxyEvent("{\"name\":\"Ada\"}"), TraceHeader);

        var response = JsonDocument.Parse(outcome.Body).RootElement;
        Assert.False(outcome.IsError);
        Assert.Null(outcome.TraceParentHeader);
        Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
        Assert.Equal(
            "{\"message\":\"Hello Ada. Greetings from ExternalLambda1! Message forwarded to InternalLambda.\"}",
            response.GetProperty("body").GetString());

        var published = Assert.Single(await fixture.ReceivePublishedAsync(m => m.Count > 0, Timeout));
        Assert.Equal("Ada", published.GetProperty("Message").GetString());
        Assert.Equal(fixture.TopicArn, published.GetProperty("TopicArn").GetString());
        var attributes = published.GetProperty("MessageAttributes");
        Assert.Equal("caller-1", attributes.GetProperty("caller").GetProperty("Value").GetString());
        // The publish carries the invocation's span, which is a child of the Lambda-Runtime-Trace-Id trace.
        Assert.StartsWith("00-6744f1c00af7651916cd43dd8448eb21-", attributes.GetProperty("traceparent").GetProperty("Value").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "The request body is required: a JSON object with a string \"name\".")]
    [InlineData("{\"name\":", "The request body is not valid JSON.")]
    [InlineData("{\"name\":[\"Ada\"]}", "The field \"name\" must be a string.")]
    [InlineData("{\"name\":\"  \"}", "The field \"name\" must not be empty.")]
    public async Task External_Answers400_ForABadBody_AndPublishesNothing(string body, string problem)
    {
        var outcome = await InvokeExternalAsync(ProxyEvent(body));

        var response = JsonDocument.Parse(outcome.Body).RootElement;
        Assert.Equal(400, response.GetProperty("statusCode").GetInt32());
        Assert.Equal(problem, JsonDocument.Parse(response.GetProperty("body").GetString()!).RootElement.GetProperty("message").GetString());

        // A good request afterwards is the marker: when it arrives, anything the bad one published would have too.
        await InvokeExternalAsync(ProxyEvent("{\"name\":\"Marker\"}"));
        var published = await fixture.ReceivePublishedAsync(m => m.Any(IsMarker), Timeout);
        Assert.All(published, message => Assert.True(IsMarker(message), $"Published {message} for a rejected body."));
    }

    [Fact]
    public async Task External_Answers500WithoutInternals_WhenTheSecretDoesNotExist()
    {
        await using var runtime = await Testing.FakeLambdaRuntimeApi.StartAsync("ExternalLambda2");
        await using var function = fixture.StartFunction(runtime, "external", "ExternalLambda2", ("TOPIC_SECRET_ID", "no-such-secret"));

        var outcome = await runtime.InvokeAsync(ProxyEvent("{\"name\":\"Ada\"}"), DateTimeOffset.UtcNow.AddSeconds(30))
            .WaitAsync(Timeout, TestContext.Current.CancellationToken);

        var response = JsonDocument.Parse(outcome.Body).RootElement;
        Assert.Equal(500, response.GetProperty("statusCode").GetInt32());
        Assert.Equal("{\"message\":\"An error occurred, try again later.\"}", response.GetProperty("body").GetString());
        await function.WaitForLineAsync(line => line.Contains("ResourceNotFoundException", StringComparison.Ordinal), Timeout, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Internal_LogsAGreetingForEveryRecord()
    {
        var outcome = await fixture.InternalRuntime.InvokeAsync(SnsEvent("Grace", "Edsger"), DateTimeOffset.UtcNow.AddSeconds(30))
            .WaitAsync(Timeout, TestContext.Current.CancellationToken);

        Assert.False(outcome.IsError);
        Assert.Equal("{\"Processed\":2}", outcome.Body);
        foreach (var name in (string[])["Grace", "Edsger"])
        {
            var line = JsonNode.Parse(await fixture.InternalFunction.WaitForLineAsync(
                line => line.Contains($"\"MessageId\":\"id-{name}\"", StringComparison.Ordinal), Timeout, TestContext.Current.CancellationToken))!;
            Assert.Equal($"Hello {name}. Greetings from InternalLambda!", line["message"]!.GetValue<string>());
            Assert.Equal("INFO", line["level"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Internal_FailsTheInvocation_ForAMalformedRecord()
    {
        var @event = JsonNode.Parse(SnsEvent("Ada"))!;
        @event["Records"]![0]!["EventSource"] = "aws:sqs";

        var outcome = await fixture.InternalRuntime.InvokeAsync(@event.ToJsonString(), DateTimeOffset.UtcNow.AddSeconds(30))
            .WaitAsync(Timeout, TestContext.Current.CancellationToken);

        Assert.True(outcome.IsError);
        Assert.Equal("MalformedSnsEventException", JsonDocument.Parse(outcome.Body).RootElement.GetProperty("errorType").GetString());
    }

    [Fact]
    public async Task PostsInitError_AndExits_WhenHandlerIsUnknown()
    {
        await using var runtime = await Testing.FakeLambdaRuntimeApi.StartAsync("Broken");
        await using var function = fixture.StartFunction(runtime, "bogus", greeterName: null);

        var initError = await runtime.InitError.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        await function.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);

        var error = JsonDocument.Parse(initError.Body).RootElement;
        Assert.Equal("FunctionConfigurationException", error.GetProperty("errorType").GetString());
        Assert.Contains("_HANDLER", error.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(0, function.ExitCode);
    }

    private static bool IsMarker(JsonElement message) => message.GetProperty("Message").GetString() == "Marker";

    private Task<Testing.InvocationOutcome> InvokeExternalAsync(string @event, string? traceId = null) =>
        fixture.ExternalRuntime.InvokeAsync(@event, DateTimeOffset.UtcNow.AddSeconds(30), traceId)
            .WaitAsync(Timeout, TestContext.Current.CancellationToken);

    private static string ProxyEvent(string body) => new JsonObject
    {
        ["resource"] = "/lambda1",
        ["path"] = "/lambda1",
        ["httpMethod"] = "POST",
        ["headers"] = new JsonObject { ["Content-Type"] = "application/json" },
        ["requestContext"] = new JsonObject
        {
            ["requestId"] = Guid.NewGuid().ToString(),
            ["stage"] = "development",
            ["resourcePath"] = "/lambda1",
            ["identity"] = new JsonObject { ["sourceIp"] = "127.0.0.1" },
            ["authorizer"] = new JsonObject { ["claims"] = new JsonObject { ["cognito:username"] = "caller-1", ["token_use"] = "id" } },
        },
        ["body"] = body,
        ["isBase64Encoded"] = false,
    }.ToJsonString();

    private string SnsEvent(params string[] names) => new JsonObject
    {
        ["Records"] = new JsonArray(names.Select(name => (JsonNode)new JsonObject
        {
            ["EventSource"] = "aws:sns",
            ["EventVersion"] = "1.0",
            ["Sns"] = new JsonObject
            {
                ["Type"] = "Notification",
                ["MessageId"] = $"id-{name}",
                ["TopicArn"] = fixture.TopicArn,
                ["Message"] = name,
                ["Timestamp"] = "2026-11-25T08:00:00.000Z",
                ["MessageAttributes"] = new JsonObject { ["caller"] = new JsonObject { ["Type"] = "String", ["Value"] = "caller-1" } },
            },
        }).ToArray()),
    }.ToJsonString();
}
