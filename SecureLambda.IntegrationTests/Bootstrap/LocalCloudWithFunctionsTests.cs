using System.Net;
using System.Text.Json;
using SecureLambda.Testing;

namespace SecureLambda.IntegrationTests.Bootstrap;

/// <summary>
/// The seed scenario with no stand-ins: the production template served by LocalCloud against moto, and the three
/// functions as the very binary that is deployed, each its own process polling LocalCloud's Runtime API.
/// </summary>
public sealed class LocalCloudWithFunctions : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    public LocalCloudServer<Program> Server { get; private set; } = null!;

    public MotoServer Moto { get; private set; } = null!;

    internal FunctionProcess InternalLambda { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var moto = await MotoServer.StartAsync();
        Moto = moto;
        _owned.Add(moto);
        Server = await LocalCloudServer.StartAsync<Program>(moto);
        _owned.Add(Server);
        foreach (var (function, handler, greeter) in (ReadOnlySpan<(string, string, string?)>)[("ExternalLambda1", "external", "ExternalLambda1"), ("ExternalLambda2", "external", "ExternalLambda2"), ("InternalLambda", "internal", null)])
        {
            var environment = new Dictionary<string, string>(moto.ClientEnvironment)
            {
                ["AWS_LAMBDA_RUNTIME_API"] = Server.RuntimeApiFor(function),
                ["AWS_LAMBDA_FUNCTION_NAME"] = function,
                ["_HANDLER"] = handler,
            };
            if (greeter is not null)
            {
                environment["GREETER_NAME"] = greeter;
            }

            var process = FunctionProcess.Start(environment);
            _owned.Add(process);
            if (function == "InternalLambda")
            {
                InternalLambda = process;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
    }
}

public sealed class LocalCloudWithFunctionsTests(LocalCloudWithFunctions stack) : IClassFixture<LocalCloudWithFunctions>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(LocalCloudServer.User1, "UserPool1ClientId", "/development/lambda1", "ExternalLambda1", "Ada")]
    [InlineData(LocalCloudServer.User2, "UserPool2ClientId", "/development/lambda2", "ExternalLambda2", "Grace")]
    public async Task EachUserIsGreetedOnTheirRoute_AndInternalLambdaLogsTheGreeting(string user, string client, string path, string greeter, string name)
    {
        var token = await stack.Server.SignInAsync(user, client);

        using var response = await stack.Server.PostAsync(path, token, $"{{\"name\":\"{name}\"}}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            $"{{\"message\":\"Hello {name}. Greetings from {greeter}! Message forwarded to InternalLambda.\"}}",
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await stack.InternalLambda.WaitForLineAsync(
            line => line.Contains($"\"message\":\"Hello {name}. Greetings from InternalLambda!\"", StringComparison.Ordinal),
            Timeout, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AnotherPoolsToken_Is401_AndNothingReachesInternalLambda()
    {
        var user2 = await stack.Server.SignInAsync(LocalCloudServer.User2, "UserPool2ClientId");

        using var response = await stack.Server.PostAsync("/development/lambda1", user2, "{\"name\":\"Mallory\"}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("{\"message\":\"Unauthorized\"}", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await AssertNeverGreetedAsync("Mallory");
    }

    [Fact]
    public async Task ABodyTheModelAcceptsButTheFunctionRefuses_Is400FromTheFunction_AndNothingIsPublished()
    {
        var token = await stack.Server.SignInAsync(LocalCloudServer.User1, "UserPool1ClientId");

        // A control character: a string of 1–128 characters for the API's model, but not a name for the function.
        using var response = await stack.Server.PostAsync("/development/lambda1", token, "{\"name\":\"Eve\\u0007\"}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("The field \"name\" must not contain control characters.",
            JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("message").GetString());
        await AssertNeverGreetedAsync("Eve");
    }

    /// <summary>
    /// A poison SNS message (blank, which InternalLambda refuses) fails its three attempts in the real function binary,
    /// and then Lambda writes its invocation record to the template's own OnFailure destination, as
    /// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html describes.
    /// </summary>
    [Fact]
    public async Task LoseAFailedEvent_IsStopped_TheTemplatesOnFailureQueueGetsTheInvocationRecord()
    {
        var topicArn = stack.Server.Outputs.GetProperty("TopicArn").GetString()!;
        var queues = (await stack.Moto.AwsCliAsync("sqs", "list-queues"))!.Value.GetProperty("QueueUrls").EnumerateArray().Select(q => q.GetString()!).ToList();
        var destination = queues.Single(url => url.EndsWith("-InternalLambda-dlq", StringComparison.Ordinal));

        await stack.Moto.AwsCliAsync("sns", "publish", "--topic-arn", topicArn, "--message", " ");

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Timeout);
        JsonElement record;
        while (true)
        {
            deadline.Token.ThrowIfCancellationRequested();
            var reply = await stack.Moto.AwsCliAsync("sqs", "receive-message", "--queue-url", destination, "--wait-time-seconds", "2");
            if (reply?.TryGetProperty("Messages", out var messages) == true)
            {
                record = JsonDocument.Parse(messages[0].GetProperty("Body").GetString()!).RootElement;
                break;
            }
        }

        Assert.Equal("RetriesExhausted", record.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(3, record.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.Equal(" ", record.GetProperty("requestPayload").GetProperty("Records")[0].GetProperty("Sns").GetProperty("Message").GetString());
        Assert.Equal("MalformedSnsEventException", record.GetProperty("responsePayload").GetProperty("errorType").GetString());
    }

    /// <summary>
    /// Sends a marker greeting after the refused one: the topic delivers in order through one queue, so once the
    /// marker's log line is there, a greeting for the refused name would stand before it.
    /// </summary>
    private async Task AssertNeverGreetedAsync(string name)
    {
        var token = await stack.Server.SignInAsync(LocalCloudServer.User1, "UserPool1ClientId");
        var marker = $"Marker{Guid.NewGuid():N}"[..20];
        using var response = await stack.Server.PostAsync("/development/lambda1", token, $"{{\"name\":\"{marker}\"}}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var greeted = await stack.InternalLambda.WaitForLineAsync(
            line => line.Contains(marker, StringComparison.Ordinal) || line.Contains($"Hello {name}", StringComparison.Ordinal),
            Timeout, TestContext.Current.CancellationToken);
        Assert.DoesNotContain($"Hello {name}", greeted, StringComparison.Ordinal);
    }
}
