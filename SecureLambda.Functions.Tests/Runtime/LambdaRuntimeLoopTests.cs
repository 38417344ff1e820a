using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SecureLambda.Aws.Lambda;
using SecureLambda.Functions.Runtime;
using SecureLambda.Testing;

namespace SecureLambda.Functions.Tests.Runtime;

public sealed class LambdaRuntimeLoopTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("")]
    [InlineData("ExternalLambda1")]
    [InlineData("functions/ExternalLambda1")]
    public async Task PostsTheHandlersResponse_WithAndWithoutAPathPrefix(string prefix)
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync(prefix);
        var handler = new DelegateHandler((invocation, _) =>
            Task.FromResult(Encoding.UTF8.GetBytes($"{{\"echo\":{Encoding.UTF8.GetString(invocation.Payload.Span)}}}")));
        await using var running = RunLoop(api, handler, TimeProvider.System);

        var outcome = await api.InvokeAsync("{\"n\":1}", DateTimeOffset.UtcNow.AddMinutes(1)).WaitAsync(Timeout, TestContext.Current.CancellationToken);

        Assert.False(outcome.IsError);
        Assert.Equal("{\"echo\":{\"n\":1}}", outcome.Body);
    }

    [Fact]
    public async Task PostsAnErrorDocument_WhenTheHandlerThrows_AndKeepsServing()
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync("fn");
        var calls = 0;
        var handler = new DelegateHandler((_, _) => ++calls == 1
            ? throw new InvalidOperationException("boom")
            : Task.FromResult("{\"ok\":true}"u8.ToArray()));
        await using var running = RunLoop(api, handler, TimeProvider.System);

        var failed = await api.InvokeAsync("{}", DateTimeOffset.UtcNow.AddMinutes(1)).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        var next = await api.InvokeAsync("{}", DateTimeOffset.UtcNow.AddMinutes(1)).WaitAsync(Timeout, TestContext.Current.CancellationToken);

        Assert.True(failed.IsError);
        Assert.Equal("InvalidOperationException", failed.ErrorTypeHeader);
        var error = JsonDocument.Parse(failed.Body).RootElement;
        Assert.Equal("boom", error.GetProperty("errorMessage").GetString());
        Assert.Equal("InvalidOperationException", error.GetProperty("errorType").GetString());
        Assert.Equal(JsonValueKind.Array, error.GetProperty("stackTrace").ValueKind);
        Assert.NotEqual(0, error.GetProperty("stackTrace").GetArrayLength());

        Assert.False(next.IsError);
        Assert.Equal("{\"ok\":true}", next.Body);
    }

    [Fact]
    public async Task PostsDeadlineExceeded_WhenTheHandlerOutlivesLambdaRuntimeDeadlineMs()
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CancellationToken handlerToken = default;
        var handler = new DelegateHandler(async (_, cancellationToken) =>
        {
            handlerToken = cancellationToken;
            started.SetResult();
            // A handler that never looks at its token: the loop must still give up at the deadline.
            await new TaskCompletionSource().Task;
            return [];
        });
        await using var running = RunLoop(api, handler, clock);

        var outcome = api.InvokeAsync("{}", clock.GetUtcNow().AddSeconds(3));
        await started.Task.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(outcome.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        var result = await outcome.WaitAsync(Timeout, TestContext.Current.CancellationToken);

        Assert.True(result.IsError);
        Assert.Equal(LambdaRuntimeLoop.DeadlineExceededErrorType, JsonDocument.Parse(result.Body).RootElement.GetProperty("errorType").GetString());
        Assert.True(handlerToken.IsCancellationRequested);
    }

    [Fact]
    public async Task JoinsTheTraceOfLambdaRuntimeTraceId_AndSetsXAmznTraceId()
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        const string traceHeader = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
        (string? TraceId, string? ParentSpanId, string? Env) seen = default;
        var handler = new DelegateHandler((_, _) =>
        {
            seen = (Activity.Current?.TraceId.ToHexString(), Activity.Current?.ParentSpanId.ToHexString(), Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID"));
            return Task.FromResult("{}"u8.ToArray());
        });
        await using var running = RunLoop(api, handler, TimeProvider.System);

        await api.InvokeAsync("{}", DateTimeOffset.UtcNow.AddMinutes(1), traceHeader).WaitAsync(Timeout, TestContext.Current.CancellationToken);

        Assert.Equal("5759e988bd862e3fe1be46a994272793", seen.TraceId);
        Assert.Equal("53995c3f42cd8ad8", seen.ParentSpanId);
        Assert.Equal(traceHeader, seen.Env);
    }

    /// <summary>
    /// A Runtime API that refuses the environment (403: LocalCloud restarted, and the secret of the environment it had
    /// started is void) ends the loop, so the process exits rather than poll for ever; an unreachable one is retried.
    /// </summary>
    [Fact]
    public async Task EndsTheLoop_WhenTheRuntimeApiRefusesTheEnvironment()
    {
        using var http = new HttpClient(new RefusingHandler());
        var client = new LambdaRuntimeApiClient(http, RuntimeApiAddress.Parse("127.0.0.1:9/fn/secret"));
        var loop = new LambdaRuntimeLoop(client, new DelegateHandler((_, _) => Task.FromResult<byte[]>([])), TimeProvider.System, NullLogger<LambdaRuntimeLoop>.Instance);

        await loop.RunAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
    }

    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.Forbidden) { Content = new StringContent("""{"errorMessage":"This Runtime API serves only the function process it was made for.","errorType":"AccessDenied"}""") });
    }

    private static RunningLoop RunLoop(FakeLambdaRuntimeApi api, ILambdaHandler handler, TimeProvider clock)
    {
        var http = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        var client = new LambdaRuntimeApiClient(http, RuntimeApiAddress.Parse(api.Address));
        var loop = new LambdaRuntimeLoop(client, handler, clock, NullLogger<LambdaRuntimeLoop>.Instance);
        var stop = new CancellationTokenSource();
        return new RunningLoop(loop.RunAsync(stop.Token), stop, http);
    }

    private sealed class DelegateHandler(Func<LambdaInvocation, CancellationToken, Task<byte[]>> handle) : ILambdaHandler
    {
        public Task<byte[]> HandleAsync(LambdaInvocation invocation, CancellationToken cancellationToken) =>
            handle(invocation, cancellationToken);
    }

    private sealed class RunningLoop(Task loop, CancellationTokenSource stop, HttpClient http) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await loop.WaitAsync(Timeout, TestContext.Current.CancellationToken);
            stop.Dispose();
            http.Dispose();
        }
    }
}
