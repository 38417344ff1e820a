using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecureLambda.Aws.Lambda;

namespace SecureLambda.Testing;

/// <summary>
/// A small in-process Lambda Runtime API (2018-06-01) on a free loopback port, optionally under a path prefix.
/// A test queues an event with <see cref="InvokeAsync"/> and gets back what the function posted for it.
/// </summary>
public sealed class FakeLambdaRuntimeApi : IAsyncDisposable
{
    public const string FunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:test-function";

    private readonly WebApplication _app;
    private readonly Channel<PendingInvocation> _queue = Channel.CreateUnbounded<PendingInvocation>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationOutcome>> _pending = new();
    private readonly TaskCompletionSource<InvocationOutcome> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextCalls;
    private TaskCompletionSource _nextCalled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeLambdaRuntimeApi(WebApplication app, string pathPrefix)
    {
        _app = app;
        PathPrefix = pathPrefix;
    }

    public string PathPrefix { get; }

    /// <summary>The value for <c>AWS_LAMBDA_RUNTIME_API</c>: <c>127.0.0.1:port[/prefix]</c>.</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>Completes when the function posts to <c>/runtime/init/error</c>.</summary>
    public Task<InvocationOutcome> InitError => _initError.Task;

    public static async Task<FakeLambdaRuntimeApi> StartAsync(string pathPrefix = "")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var prefix = string.IsNullOrEmpty(pathPrefix) ? string.Empty : "/" + pathPrefix.Trim('/');
        var api = new FakeLambdaRuntimeApi(app, prefix.TrimStart('/'));
        var runtime = app.MapGroup($"{prefix}/{RuntimeApi.Root}");
        runtime.MapGet(RuntimeApi.NextInvocation, api.NextAsync);
        runtime.MapPost(RuntimeApi.InvocationResponseRoute, (string requestId, HttpRequest request) => api.CompleteAsync(requestId, request, isError: false));
        runtime.MapPost(RuntimeApi.InvocationErrorRoute, (string requestId, HttpRequest request) => api.CompleteAsync(requestId, request, isError: true));
        runtime.MapPost(RuntimeApi.InitError, api.InitErrorAsync);
        await app.StartAsync();

        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        api.Address = $"127.0.0.1:{address.Port}{prefix}";
        return api;
    }

    /// <summary>Queues an event and waits for the function's response or error post.</summary>
    public Task<InvocationOutcome> InvokeAsync(string payload, DateTimeOffset deadline, string? traceId = null)
    {
        var requestId = Guid.NewGuid().ToString();
        var outcome = new TaskCompletionSource<InvocationOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[requestId] = outcome;
        _queue.Writer.TryWrite(new PendingInvocation(requestId, payload, deadline, traceId));
        return outcome.Task;
    }

    /// <summary>
    /// Waits until the function has called <c>/invocation/next</c> <paramref name="count"/> times in all. Lambda freezes
    /// the process while that call waits, so whatever the function does for an invocation must be done by then.
    /// </summary>
    public async Task WaitForNextCallsAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var called = Volatile.Read(ref _nextCalled).Task;
            if (Volatile.Read(ref _nextCalls) >= count)
            {
                return;
            }

            await called.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task NextAsync(HttpContext context)
    {
        Interlocked.Increment(ref _nextCalls);
        Interlocked.Exchange(ref _nextCalled, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        PendingInvocation invocation;
        try
        {
            invocation = await _queue.Reader.ReadAsync(context.RequestAborted);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
        {
            return;
        }

        var headers = context.Response.Headers;
        headers[RuntimeApi.Headers.RequestId] = invocation.RequestId;
        headers[RuntimeApi.Headers.DeadlineMs] = invocation.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        headers[RuntimeApi.Headers.InvokedFunctionArn] = FunctionArn;
        if (invocation.TraceId is not null)
        {
            headers[RuntimeApi.Headers.TraceId] = invocation.TraceId;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(invocation.Payload, Encoding.UTF8);
    }

    private async Task<IResult> CompleteAsync(string requestId, HttpRequest request, bool isError)
    {
        if (!_pending.TryRemove(requestId, out var outcome))
        {
            return Results.Json(new RuntimeApiError($"Unknown or finished request id {requestId}", "InvalidRequestID"), RuntimeApiJsonContext.Default.RuntimeApiError, statusCode: StatusCodes.Status400BadRequest);
        }

        outcome.TrySetResult(await ReadOutcomeAsync(request, isError));
        return Results.Accepted();
    }

    private async Task<IResult> InitErrorAsync(HttpRequest request)
    {
        _initError.TrySetResult(await ReadOutcomeAsync(request, isError: true));
        return Results.Accepted();
    }

    private static async Task<InvocationOutcome> ReadOutcomeAsync(HttpRequest request, bool isError)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var errorType = request.Headers[RuntimeApi.Headers.FunctionErrorType].FirstOrDefault();
        return new InvocationOutcome(isError, body, errorType, request.Headers["traceparent"].FirstOrDefault());
    }

    private sealed record PendingInvocation(string RequestId, string Payload, DateTimeOffset Deadline, string? TraceId);
}

/// <summary>What the function posted for an invocation (or for init): the body, whether it was an error post, and the trace context it carried, if any.</summary>
public sealed record InvocationOutcome(bool IsError, string Body, string? ErrorTypeHeader, string? TraceParentHeader = null);
