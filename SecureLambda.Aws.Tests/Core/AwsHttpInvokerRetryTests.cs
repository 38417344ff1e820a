using System.Net;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.SecretsManager;
using SecureLambda.Aws.Tests.Support;

namespace SecureLambda.Aws.Tests.Core;

/// <summary>The shared pipeline's retries, through SecretsManagerClient and a scripted handler.</summary>
public sealed class AwsHttpInvokerRetryTests
{
    private const string SecretReply = """{"Name":"LambdaSNSTopicARN","SecretString":"{\"TOPIC_ARN\":\"arn:aws:sns:us-east-1:123456789012:t\"}"}""";

    private static readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Ok =
        ScriptedHandler.Reply(HttpStatusCode.OK, SecretReply);

    private static readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Unavailable =
        ScriptedHandler.Reply(
            HttpStatusCode.ServiceUnavailable,
            """{"__type":"ServiceUnavailableException","message":"Try again."}""",
            ("x-amzn-RequestId", "req-503"));

    private static (SecretsManagerClient Client, ScriptedHandler Handler, HttpClient Http) Create(
        AwsClientContext? context,
        params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] steps)
    {
        var handler = new ScriptedHandler(steps);
        var http = new HttpClient(handler);
        return (new SecretsManagerClient(http, context ?? TestContexts.Offline()), handler, http);
    }

    [Fact]
    public async Task GetSecret_Succeeds_OnSecondAttempt_After503()
    {
        var (client, handler, http) = Create(null, Unavailable, Ok);
        using var _ = http;

        var secret = await client.GetSecretStringAsync("LambdaSNSTopicARN", TestContext.Current.CancellationToken);

        Assert.Contains("TOPIC_ARN", secret, StringComparison.Ordinal);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Theory]
    [InlineData("""{"__type":"ThrottlingException","message":"Rate exceeded"}""", 400)]
    [InlineData("""{"__type":"com.amazonaws.secretsmanager#TooManyRequestsException","Message":"Slow down"}""", 429)]
    public async Task GetSecret_RetriesThrottlingError_AndSucceeds(string body, int status)
    {
        var (client, handler, http) = Create(null, ScriptedHandler.Reply((HttpStatusCode)status, body), Ok);
        using var _ = http;

        await client.GetSecretStringAsync("LambdaSNSTopicARN", TestContext.Current.CancellationToken);

        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task GetSecret_ThrowsLastError_AfterExactlyThreeAttempts()
    {
        var (client, handler, http) = Create(null, Unavailable);
        using var _ = http;

        var error = await Assert.ThrowsAsync<AwsServiceException>(
            () => client.GetSecretStringAsync("LambdaSNSTopicARN", TestContext.Current.CancellationToken));

        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal("ServiceUnavailableException", error.ErrorCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal("req-503", error.RequestId);
    }

    [Fact]
    public async Task GetSecret_DoesNotRetry_NonThrottling400()
    {
        var (client, handler, http) = Create(
            null,
            ScriptedHandler.Reply(
                HttpStatusCode.BadRequest,
                """{"__type":"com.amazonaws.secretsmanager#ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."}""",
                ("x-amzn-RequestId", "req-400")),
            Ok);
        using var _ = http;

        var error = await Assert.ThrowsAsync<AwsServiceException>(
            () => client.GetSecretStringAsync("missing", TestContext.Current.CancellationToken));

        Assert.Single(handler.Requests);
        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("Secrets Manager can't find the specified secret.", error.AwsMessage);
        Assert.Equal("req-400", error.RequestId);
        Assert.Equal("SecretsManager", error.Service);
    }

    [Fact]
    public async Task GetSecret_RetriesConnectionFailure_AndSucceeds()
    {
        var (client, handler, http) = Create(null, ScriptedHandler.Throw(new HttpRequestException("Connection refused")), Ok);
        using var _ = http;

        await client.GetSecretStringAsync("LambdaSNSTopicARN", TestContext.Current.CancellationToken);

        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task GetSecret_ThrowsConnectionFailure_AfterThreeAttempts()
    {
        var (client, handler, http) = Create(null, ScriptedHandler.Throw(new HttpRequestException("Connection refused")));
        using var _ = http;

        await Assert.ThrowsAsync<HttpRequestException>(
            () => client.GetSecretStringAsync("LambdaSNSTopicARN", TestContext.Current.CancellationToken));

        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task GetSecret_RetriesHttpClientTimeout_AndSucceeds()
    {
        // The first attempt hangs until HttpClient's own timeout cancels it; that is transient, not the caller's cancellation.
        static async Task<HttpResponseMessage> Hang(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var never = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var registration = cancellationToken.Register(() => never.TrySetCanceled(cancellationToken));
            return await never.Task;
        }

        var handler = new ScriptedHandler(Hang, Ok);
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromMilliseconds(200) };
        var client = new SecretsManagerClient(http, TestContexts.Offline());

        await client.GetSecretStringAsync("LambdaSNSTopicARN", TestContext.Current.CancellationToken);

        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task GetSecret_DoesNotRetry_WhenCallerCancels()
    {
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var (client, handler, http) = Create(
            null,
            (_, cancellationToken) =>
            {
                caller.Cancel();
                cancellationToken.ThrowIfCancellationRequested();
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
            },
            Ok);
        using var _ = http;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetSecretStringAsync("LambdaSNSTopicARN", caller.Token));

        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task GetSecret_StopsBackingOff_WhenCallerCancelsAfterRetryableError()
    {
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var (client, handler, http) = Create(
            null,
            (request, cancellationToken) =>
            {
                caller.Cancel();
                return Unavailable(request, cancellationToken);
            },
            Ok);
        using var _ = http;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetSecretStringAsync("LambdaSNSTopicARN", caller.Token));

        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task GetSecret_ResignsEachAttempt_WithFreshDate()
    {
        var (client, handler, http) = Create(null, Unavailable, Unavailable, Ok);
        using var _ = http;

        await client.GetSecretStringAsync("LambdaSNSTopicARN", TestContext.Current.CancellationToken);

        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal(3, handler.Requests.Select(request => request.AmzDate).Distinct().Count());
        Assert.Equal(3, handler.Requests.Select(request => request.Authorization).Distinct().Count());
        Assert.All(handler.Requests, request => Assert.StartsWith(
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{request.AmzDate![..8]}/us-east-1/secretsmanager/aws4_request, " +
            "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=",
            request.Authorization,
            StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetSecret_WaitsBackoffDelays_ThroughTheInjectedTimeProvider()
    {
        var clock = new InstantTimeProvider(TestContexts.Start);
        var context = TestContexts.Offline(
            retryPolicy: new AwsRetryPolicy { BaseDelay = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(20), Jitter = () => 0.5 },
            timeProvider: clock);
        var (client, handler, http) = Create(context, Unavailable, Unavailable, Ok);
        using var _ = http;

        await client.GetSecretStringAsync("LambdaSNSTopicARN", TestContext.Current.CancellationToken);

        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)], clock.Delays);
        // The clock moved by each wait, and each attempt was signed at its own time.
        Assert.Equal(
            ["20251125T085130Z", "20251125T085130Z", "20251125T085131Z"],
            handler.Requests.Select(request => request.AmzDate));
    }

    /// <summary>
    /// A clock whose timers fire at once and move the clock forward by their due time, recording each wait, so backoff
    /// runs instantly but observably.
    /// </summary>
    private sealed class InstantTimeProvider(DateTimeOffset start) : TimeProvider
    {
        private readonly List<TimeSpan> _delays = [];
        private DateTimeOffset _now = start;

        public IReadOnlyList<TimeSpan> Delays
        {
            get
            {
                lock (_delays)
                {
                    return [.. _delays];
                }
            }
        }

        public override DateTimeOffset GetUtcNow()
        {
            lock (_delays)
            {
                return _now;
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (_delays)
            {
                _delays.Add(dueTime);
                _now += dueTime;
            }

            ThreadPool.QueueUserWorkItem(_ => callback(state));
            return new NoTimer();
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
