using System.Net;
using SecureLambda.Aws.Lambda;

namespace SecureLambda.Bench.Gateway;

/// <summary>
/// Stand-ins for warm execution environments of one function: each poller holds one invocation at a time, polling
/// <c>/{LogicalId}/{secret}/2018-06-01/runtime/invocation/next</c> and answering every event AT ONCE with a fixed valid proxy
/// response, so the figures are LocalCloud's and not a function's. A failed poll or post is recorded, never ignored.
/// </summary>
internal sealed class RuntimePollers : IAsyncDisposable
{
    public const string Answer = """{"statusCode":200,"body":"{}"}""";

    private static readonly byte[] AnswerBytes = System.Text.Encoding.UTF8.GetBytes(Answer);

    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _loops;
    private long _events;
    private string? _firstError;

    public RuntimePollers(string runtimeApi, int count)
    {
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = RuntimeApiAddress.Parse(runtimeApi),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _loops = Enumerable.Range(0, count).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    public long Events => Interlocked.Read(ref _events);

    public string? FirstError => Volatile.Read(ref _firstError);

    private async Task RunAsync()
    {
        var next = new Uri(RuntimeApi.NextInvocation, UriKind.Relative);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var response = await _http.GetAsync(next, _stop.Token);
                if (response.StatusCode != HttpStatusCode.OK || !response.Headers.TryGetValues(RuntimeApi.Headers.RequestId, out var ids))
                {
                    Fail($"invocation/next answered {(int)response.StatusCode}");
                    continue;
                }

                _ = await response.Content.ReadAsByteArrayAsync(_stop.Token);
                var requestId = ids.First();
                using var content = new ByteArrayContent(AnswerBytes);
                using var posted = await _http.PostAsync(new Uri(RuntimeApi.InvocationResponse(requestId), UriKind.Relative), content, _stop.Token);
                if (posted.StatusCode != HttpStatusCode.Accepted)
                {
                    Fail($"invocation/{requestId}/response answered {(int)posted.StatusCode}");
                }

                Interlocked.Increment(ref _events);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException exception)
            {
                Fail($"runtime poller: {exception.Message}");
            }
        }
    }

    private void Fail(string message) => Interlocked.CompareExchange(ref _firstError, message, null);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _http.Dispose();
        _stop.Dispose();
    }
}
