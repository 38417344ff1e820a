using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SecureLambda.Aws.LocalCloud;
using SecureLambda.Testing;

namespace SecureLambda.IntegrationTests.Bootstrap;

/// <summary>
/// The seed scenario with no stand-ins: the production template served by LocalCloud against moto, and the three
/// functions as the very binary that is deployed, each its own process polling LocalCloud's Runtime API. The engine is
/// the subclass's: the <c>moto_server</c> process, or a moto container that Testcontainers runs.
/// </summary>
public abstract class LocalCloudWithFunctions : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    public LocalCloudServer<Program> Server { get; private set; } = null!;

    public MotoServer Moto { get; private set; } = null!;

    internal FunctionProcess InternalLambda { get; private set; } = null!;

    /// <summary>Each function's process, by logical id.</summary>
    internal Dictionary<string, FunctionProcess> Functions { get; } = new(StringComparer.Ordinal);

    /// <summary>LocalCloud's settings beyond the test defaults: another template, for a variant.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    /// <summary>Null once the stack runs; otherwise why its engine can't run here, which every test skips with.</summary>
    public string? WhyUnavailable { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var (moto, whyUnavailable) = await StartEngineAsync(TestContext.Current.CancellationToken);
        if (moto is null)
        {
            WhyUnavailable = whyUnavailable;
            return;
        }

        Moto = moto;
        _owned.Add(moto);
        Server = await LocalCloudServer.StartAsync<Program>(moto, Settings);
        _owned.Add(Server);
        foreach (var (function, handler, greeter) in FunctionProcess.StackFunctions)
        {
            var process = FunctionProcess.StartBehind(Server, function, handler, greeter);
            _owned.Add(process);
            Functions[function] = process;
            if (function == "InternalLambda")
            {
                InternalLambda = process;
            }
        }
    }

    public void SkipUnlessRunning()
    {
        if (WhyUnavailable is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
    }

    /// <summary>The engine, or null and the reason it can't run here.</summary>
    protected abstract Task<(MotoServer? Engine, string? WhyUnavailable)> StartEngineAsync(CancellationToken cancellationToken);
}

/// <summary>The stack on the <c>moto_server</c> process: the default engine, which needs no Docker.</summary>
public sealed class LocalCloudWithFunctionsOnMotoProcess : LocalCloudWithFunctions
{
    protected override async Task<(MotoServer? Engine, string? WhyUnavailable)> StartEngineAsync(CancellationToken cancellationToken) =>
        (await MotoServer.StartAsync(cancellationToken), null);
}

/// <summary>
/// The stack on a moto container that Testcontainers starts from <see cref="EngineImage.Configured"/>: the public image
/// by default, the one <c>scripts/build-engine-image.sh</c> builds in our CI. Skipped, with the reason, where no Docker
/// engine answers or the image can be neither found nor pulled.
/// </summary>
public sealed class LocalCloudWithFunctionsInMotoContainer : LocalCloudWithFunctions
{
    protected override async Task<(MotoServer? Engine, string? WhyUnavailable)> StartEngineAsync(CancellationToken cancellationToken)
    {
        if (await EngineImage.WhyUnavailableAsync(cancellationToken) is { } reason)
        {
            return (null, reason);
        }

        return (await MotoServer.StartInContainerAsync(EngineImage.Configured, EngineImage.ContainerPort, cancellationToken), null);
    }
}

public sealed class LocalCloudWithFunctionsOnMotoProcessTests(LocalCloudWithFunctionsOnMotoProcess stack)
    : LocalCloudWithFunctionsTests<LocalCloudWithFunctionsOnMotoProcess>(stack), IClassFixture<LocalCloudWithFunctionsOnMotoProcess>;

public sealed class LocalCloudWithFunctionsInMotoContainerTests(LocalCloudWithFunctionsInMotoContainer fixture)
    : LocalCloudWithFunctionsTests<LocalCloudWithFunctionsInMotoContainer>(fixture), IClassFixture<LocalCloudWithFunctionsInMotoContainer>
{
    /// <summary>
    /// The engine holds the pools, their users and the topic's secret. Testcontainers publishes on every interface by
    /// default, which would hand them to anyone on the network; ours is on loopback alone.
    /// </summary>
    [Fact]
    public async Task ReachTheEngineFromAnotherHost_IsNotPossible_ItsPortIsOnLoopbackAlone()
    {
        Stack.SkipUnlessRunning();

        var published = await DockerEngine.PublishedAddressesAsync(EngineImage.Configured, TestContext.Current.CancellationToken);

        Assert.Contains($"127.0.0.1:{Stack.Moto.Endpoint.Port}", published);
        Assert.All(published, address => Assert.StartsWith("127.0.0.1:", address, StringComparison.Ordinal));
    }
}

/// <summary>The scenario's tests, the same on every engine.</summary>
public abstract class LocalCloudWithFunctionsTests<TStack>(TStack stack)
    where TStack : LocalCloudWithFunctions
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    protected TStack Stack => stack;

    [Theory]
    [InlineData(LocalCloudServer.User1, "UserPool1ClientId", "/development/lambda1", "ExternalLambda1", "Ada")]
    [InlineData(LocalCloudServer.User2, "UserPool2ClientId", "/development/lambda2", "ExternalLambda2", "Grace")]
    public async Task EachUserIsGreetedOnTheirRoute_AndInternalLambdaLogsTheGreeting(string user, string client, string path, string greeter, string name)
    {
        stack.SkipUnlessRunning();
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

    /// <summary>The template's least-privilege roles suffice: a whole greeting, both hops, and IAM denies nothing.</summary>
    [Fact]
    public async Task TheGreeting_NeedsNoMoreThanItsRolesAllow_IamDeniesNoCall()
    {
        stack.SkipUnlessRunning();
        var token = await stack.Server.SignInAsync(LocalCloudServer.User1, "UserPool1ClientId");
        var name = $"Least{Guid.NewGuid():N}"[..15];

        using var response = await stack.Server.PostAsync("/development/lambda1", token, $"{{\"name\":\"{name}\"}}");
        await stack.InternalLambda.WaitForLineAsync(line => line.Contains($"Hello {name}", StringComparison.Ordinal), Timeout, TestContext.Current.CancellationToken);
        var view = await stack.Server.Http.GetFromJsonAsync(LocalCloudClient.StackPath, LocalCloudJsonContext.Default.EmulatedStack, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var role = Assert.Single(view!.IamDecisions, decisions => decisions.LogicalResourceId == "ExternalLambda1Role");
        Assert.True(role.Allowed >= 2, $"GetSecretValue and Publish were decided for ExternalLambda1Role {role.Allowed} times.");
        Assert.All(view.IamDecisions, decisions => Assert.True(decisions.Denied == 0, $"{decisions.LogicalResourceId}: {decisions.LastDenied}"));
    }

    [Fact]
    public async Task AnotherPoolsToken_Is401_AndNothingReachesInternalLambda()
    {
        stack.SkipUnlessRunning();
        var user2 = await stack.Server.SignInAsync(LocalCloudServer.User2, "UserPool2ClientId");

        using var response = await stack.Server.PostAsync("/development/lambda1", user2, "{\"name\":\"Mallory\"}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("{\"message\":\"Unauthorized\"}", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await AssertNeverGreetedAsync("Mallory");
    }

    [Fact]
    public async Task ABodyTheModelAcceptsButTheFunctionRefuses_Is400FromTheFunction_AndNothingIsPublished()
    {
        stack.SkipUnlessRunning();
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
        stack.SkipUnlessRunning();
        var topicArn = stack.Server.Outputs.GetProperty("TopicArn").GetString()!;
        var queues = (await stack.Moto.AwsCliAsync("sqs", "list-queues"))!.Value.GetProperty("QueueUrls").EnumerateArray().Select(q => q.GetString()!).ToList();
        var destination = queues.Single(url => url.EndsWith("-InternalLambda-dlq", StringComparison.Ordinal));

        // Published through the stack's AWS endpoint, where SNS hands the message to Lambda.
        await AwsCli.RunAsync("--endpoint-url", stack.Server.AwsEndpoint.ToString().TrimEnd('/'), "sns", "publish", "--topic-arn", topicArn, "--message", " ");

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
