using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using SecureLambda.Testing;

namespace SecureLambda.Bench.Gateway;

/// <summary>One kind of request: path, JSON body, optional Authorization header, and the client app's API key (x-api-key).</summary>
internal sealed record RequestSpec(string Path, string Body, string? Token, string? ApiKey = LocalCloudServer.ClientApp1Key)
{
    public HttpRequestMessage Create()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Path, UriKind.Relative))
        {
            Content = new StringContent(Body, System.Text.Encoding.UTF8, "application/json"),
        };
        if (Token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", Token);
        }

        if (ApiKey is not null)
        {
            request.Headers.TryAddWithoutValidation("x-api-key", ApiKey);
        }

        return request;
    }
}

/// <summary>
/// Names an answer ("200", "401", "429", ...) and says whether it is a right one for the run. A wrong answer is never a
/// data point: the run reports it and the harness exits non-zero.
/// </summary>
internal delegate (string Label, bool Ok) Classifier(int status, HttpResponseHeaders headers, string body);

internal sealed class LoadResult
{
    public ConcurrentDictionary<string, long> Labels { get; } = new();

    public ConcurrentQueue<string> Failures { get; } = new();

    public long FailureCount;

    /// <summary>Service time: from the moment the request was handed to HttpClient to the end of the response body (ms).</summary>
    public List<double> ServiceMs { get; } = [];

    /// <summary>Open loop only: from the request's scheduled time (so a late sender counts against the latency) (ms).</summary>
    public List<double> ScheduledMs { get; } = [];

    public long Requests;

    public TimeSpan Elapsed;

    public double Rps => Requests / Elapsed.TotalSeconds;

    public void Record(string label, bool ok, string detail)
    {
        Labels.AddOrUpdate(label, 1, (_, n) => n + 1);
        if (!ok)
        {
            Interlocked.Increment(ref FailureCount);
            if (Failures.Count < 5)
            {
                Failures.Enqueue(detail);
            }
        }
    }
}

internal static class Load
{
    public static HttpClient CreateClient(Uri address) => new(new SocketsHttpHandler
    {
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        BaseAddress = address,
        Timeout = TimeSpan.FromSeconds(30),

        // Like every real client; the web ACL's core rule set blocks a request without one (NoUserAgent_HEADER).
        DefaultRequestHeaders = { { "User-Agent", "SecureLambda.Bench/1.0" } },
    };

    /// <summary>
    /// Open loop: request i is due at i/rate seconds after the start, whatever happened to the earlier ones. The sender
    /// wakes every ~1 ms and fires everything due (no busy spinning: on 2 cores it would steal a core from the server).
    /// </summary>
    public static async Task<LoadResult> OpenLoopAsync(HttpClient http, RequestSpec spec, Classifier classify, double rate, TimeSpan duration)
    {
        var total = (long)(rate * duration.TotalSeconds);
        var result = new LoadResult();
        var service = new double[total];
        var scheduled = new double[total];
        var tasks = new Task[total];
        var ticksPerRequest = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        for (long i = 0; i < total; i++)
        {
            var due = start + (long)(i * ticksPerRequest);
            while (Stopwatch.GetTimestamp() < due)
            {
                await Task.Delay(1);
            }

            tasks[i] = SendAsync(http, spec, classify, result, service, scheduled, i, due);
        }

        await Task.WhenAll(tasks);
        result.Elapsed = Stopwatch.GetElapsedTime(start);
        result.Requests = total;
        result.ServiceMs.AddRange(service);
        result.ScheduledMs.AddRange(scheduled);
        return result;
    }

    private static async Task SendAsync(
        HttpClient http, RequestSpec spec, Classifier classify, LoadResult result, double[] service, double[] scheduled, long i, long due)
    {
        var sent = Stopwatch.GetTimestamp();
        try
        {
            using var request = spec.Create();
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var end = Stopwatch.GetTimestamp();
            service[i] = Stopwatch.GetElapsedTime(sent, end).TotalMilliseconds;
            scheduled[i] = Stopwatch.GetElapsedTime(due, end).TotalMilliseconds;
            var (label, ok) = classify((int)response.StatusCode, response.Headers, body);
            result.Record(label, ok, $"{(int)response.StatusCode} {Truncate(body)}");
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            result.Record("error", false, exception.GetType().Name + ": " + exception.Message);
        }
    }

    /// <summary>Closed loop: <paramref name="clients"/> workers, each sending its next request when the previous one has answered.</summary>
    public static async Task<LoadResult> ClosedLoopAsync(HttpClient http, RequestSpec spec, Classifier classify, int clients, TimeSpan duration)
    {
        var result = new LoadResult();
        var perWorker = new List<double>[clients];
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(w => Task.Run(async () =>
        {
            var latencies = perWorker[w] = new List<double>(1 << 16);
            while (Stopwatch.GetTimestamp() < end)
            {
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var request = spec.Create();
                    using var response = await http.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    var (label, ok) = classify((int)response.StatusCode, response.Headers, body);
                    result.Record(label, ok, $"{(int)response.StatusCode} {Truncate(body)}");
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    result.Record("error", false, exception.GetType().Name + ": " + exception.Message);
                }
            }
        })));
        result.Elapsed = Stopwatch.GetElapsedTime(start);
        foreach (var latencies in perWorker)
        {
            result.ServiceMs.AddRange(latencies);
        }

        result.Requests = result.Labels.Values.Sum();
        return result;
    }

    private static string Truncate(string body) => body.Length <= 200 ? body : body[..200] + "…";
}

internal static class Stats
{
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        // Nearest rank.
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static double[] Sorted(IEnumerable<double> values)
    {
        var array = values.ToArray();
        Array.Sort(array);
        return array;
    }
}
