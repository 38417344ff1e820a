using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.SecretsManager;
using SecureLambda.Testing;

namespace SecureLambda.Bench.Gateway;

/// <summary>
/// Gateway benchmark: added latency of the API Gateway pipeline over a direct Invoke, authorized throughput, and
/// throttle accuracy, against LocalCloud hosted in this process. Numbers are reported, never asserted; a wrong answer
/// (or a failed runtime poller) fails the run with exit code 1.
/// </summary>
internal static class GatewayBench
{
    internal const string Lambda1 = "/development/lambda1";
    private const string SecretName = "LambdaSNSTopicARN";
    private const string Lambda2 = "/development/lambda2";
    private const string DirectInvoke = "/2015-03-31/functions/ExternalLambda1/invocations";
    internal const string Body = """{"name":"Ada"}""";
    private const string Unauthorized = """{"message":"Unauthorized"}""";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly Classifier GatewayOk = (status, _, body) =>
        (status.ToString(Inv), status == 200 && body == "{}");

    private static readonly Classifier DirectOk = (status, headers, body) =>
        (status.ToString(Inv), status == 200 && !headers.Contains("X-Amz-Function-Error") && body == RuntimePollers.Answer);

    private static readonly Classifier ThrottleOrUnauthorized = (status, _, body) =>
        (status.ToString(Inv), (status == 401 && body == Unauthorized) || status == 429);

    private static bool _failed;

    public static async Task<int> Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or OverflowException)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            await Console.Error.WriteLineAsync(BenchOptions.Usage);
            return 2;
        }

#if DEBUG
        await Console.Error.WriteLineAsync("warning: the harness is a Debug build; run it with -c Release.");
#endif

        if (options.LoadOnly)
        {
            return await LoadOnlyAsync(options);
        }

        PrintMachine();
        if (options.Scenarios.Contains("latency") || options.Scenarios.Contains("throughput"))
        {
            await LatencyAndThroughputAsync(options);
        }

        if (options.Scenarios.Contains("throttle"))
        {
            await ThrottleAsync(options);
        }

        if (options.Scenarios.Contains("aws-hop"))
        {
            await AwsHopAsync(options);
        }

        if (options.Scenarios.Contains("stack"))
        {
            await StackBench.RunAsync(options);
        }

        if (_failed)
        {
            await Console.Error.WriteLineAsync("FAILED: wrong answers (see above); these runs are not measurements.");
            return 1;
        }

        return 0;
    }

    private static async Task LatencyAndThroughputAsync(BenchOptions options)
    {
        await using var host = await BenchStack.StartAsync(BenchStack.LimitsRaised);
        Console.WriteLine($"LocalCloud at {host.Server.Address} (stage and client app throttles 100000/100000, ClientDailyQuota 2000000000, WafRateLimit 2000000000), client app 1's API key");
        var token = await host.Server.SignInAsync(LocalCloudServer.User1, "UserPool1ClientId");
        await using var pollers = new RuntimePollers(host.Server.RuntimeApiFor("ExternalLambda1"), options.PollerCount);
        Console.WriteLine($"{options.PollerCount} runtime pollers on ExternalLambda1, answering {RuntimePollers.Answer} at once");
        using var http = Load.CreateClient(host.Server.Address);
        // The Invoke API (on the AWS endpoint) serves only SigV4-signed requests, as Lambda does: the direct baseline signs each one, as the SDKs do.
        using var signed = SigV4SigningHandler.Client(host.Server.AwsEndpoint);
        var gateway = new RequestSpec(Lambda1, Body, token);
        var direct = new RequestSpec(DirectInvoke, Body, null);

        if (options.Scenarios.Contains("latency"))
        {
            var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
            var measured = TimeSpan.FromSeconds(options.Seconds);
            Console.WriteLine();
            Console.WriteLine($"## Added latency: open loop at {options.Rate} rps, {options.Seconds} s each, after {options.WarmupSeconds} s warm-up of each");
            Check("warm-up direct", await Load.OpenLoopAsync(signed, direct, DirectOk, options.Rate, warmup), pollers);
            Check("warm-up gateway", await Load.OpenLoopAsync(http, gateway, GatewayOk, options.Rate, warmup), pollers);
            var directResult = await Load.OpenLoopAsync(signed, direct, DirectOk, options.Rate, measured);
            Check("direct", directResult, pollers);
            var gatewayResult = await Load.OpenLoopAsync(http, gateway, GatewayOk, options.Rate, measured);
            Check("gateway", gatewayResult, pollers);
            PrintLatency(directResult, gatewayResult);
        }

        if (options.Scenarios.Contains("throughput"))
        {
            Console.WriteLine();
            Console.WriteLine($"## Authorized throughput: closed loop, POST {Lambda1} with a valid ID token, {options.ThroughputSeconds} s per row after {options.WarmupSeconds} s warm-up");
            Console.WriteLine($"   memory of THIS process (LocalCloud + {options.PollerCount} pollers{(options.LoadModes.Contains("inproc") ? " + the in-process load" : "")}) sampled every 5 s");
            var rows = new List<string>();
            var series = new List<string>();
            foreach (var mode in options.LoadModes)
            {
                foreach (var clients in options.Clients)
                {
                    using var sampler = new MemorySampler();
                    LoadSummary summary;
                    if (mode == "inproc")
                    {
                        Check($"warm-up {clients}", await Load.ClosedLoopAsync(http, gateway, GatewayOk, clients, TimeSpan.FromSeconds(options.WarmupSeconds)), pollers);
                        sampler.Start();
                        var result = await Load.ClosedLoopAsync(http, gateway, GatewayOk, clients, TimeSpan.FromSeconds(options.ThroughputSeconds));
                        await sampler.StopAsync();
                        Check($"throughput {mode} {clients}", result, pollers);
                        summary = LoadSummary.From(result);
                    }
                    else
                    {
                        sampler.Start();
                        summary = await RunChildAsync(host.Server.Address, token, clients, options);
                        await sampler.StopAsync();
                        if (summary.Failures > 0)
                        {
                            Fail($"throughput child {clients}: {summary.Failures} wrong answers: {string.Join(" | ", summary.FirstFailures)}");
                        }

                        CheckPollers(pollers);
                    }

                    rows.Add($"| {mode} | {clients} | {summary.Requests} | {summary.Rps:0} | {summary.P50:0.00} | {summary.P99:0.00} | {summary.Failures} | {sampler.First} → {sampler.Last} |");
                    series.Add($"{mode} {clients}: {sampler.Series}");
                    Console.WriteLine(rows[^1]);
                }
            }

            Console.WriteLine();
            Console.WriteLine("| load | clients | requests | rps | p50 ms | p99 ms | wrong | working set / GC heap MiB, first → last |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|");
            rows.ForEach(Console.WriteLine);
            Console.WriteLine();
            Console.WriteLine("Memory series (working set / GC heap MiB / gen2 GCs, every 5 s):");
            series.ForEach(s => Console.WriteLine("  " + s));
        }
    }

    private static async Task ThrottleAsync(BenchOptions options)
    {
        await using var host = await BenchStack.StartAsync(new Dictionary<string, string>
        {
            ["ThrottlingRateLimit"] = options.ThrottleRate.ToString(Inv),
            ["ThrottlingBurstLimit"] = options.ThrottleBurst.ToString(Inv),
            ["WafRateLimit"] = "2000000000",
        });
        using var http = Load.CreateClient(host.Server.Address);
        // The Invoke API (on the AWS endpoint) serves only SigV4-signed requests, as Lambda does: the direct baseline signs each one, as the SDKs do.
        using var signed = SigV4SigningHandler.Client(host.Server.AwsEndpoint);
        Console.WriteLine();
        Console.WriteLine($"## Throttle accuracy: rate {options.ThrottleRate}, burst {options.ThrottleBurst}; open loop at {options.ThrottleDrive} rps for {options.ThrottleSeconds} s, POST {Lambda1} with a token that is no JWT");

        // A request with no Authorization header at all is refused by the web ACL before the throttle counts it;
        // one with a bad token passes WAF, takes a throttle token and is then refused by the authorizer.
        const string NotAToken = "not-a-token";

        // Warm-up on /lambda2: it has its own bucket, so /lambda1's stays full for the measured run.
        Check("warm-up /lambda2", await Load.OpenLoopAsync(http, new RequestSpec(Lambda2, Body, NotAToken), ThrottleOrUnauthorized, options.ThrottleDrive, TimeSpan.FromSeconds(3)), null);
        var result = await Load.OpenLoopAsync(http, new RequestSpec(Lambda1, Body, NotAToken), ThrottleOrUnauthorized, options.ThrottleDrive, TimeSpan.FromSeconds(options.ThrottleSeconds));
        Check("throttle", result, null);
        var admitted = result.Labels.GetValueOrDefault("401");
        var throttled = result.Labels.GetValueOrDefault("429");

        // Arrivals span from the first to the last scheduled send.
        var span = (result.Requests - 1) / options.ThrottleDrive;
        var expected = (options.ThrottleRate * span) + options.ThrottleBurst;
        Console.WriteLine();
        Console.WriteLine("| sent | admitted (401) | throttled (429) | send span s | expected rate·t + burst | admitted / expected |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| {result.Requests} | {admitted} | {throttled} | {span:0.000} | {expected:0} | {admitted / expected:0.000} ({(admitted - expected) / expected * 100:+0.0;-0.0} %) |");
    }

    private static async Task<int> LoadOnlyAsync(BenchOptions options)
    {
        var token = Environment.GetEnvironmentVariable("BENCH_TOKEN");
        if (options.Url is null || string.IsNullOrEmpty(token) || options.Clients.Count != 1)
        {
            await Console.Error.WriteLineAsync("--load-only needs --url, exactly one --clients value and BENCH_TOKEN.");
            return 2;
        }

        using var http = Load.CreateClient(options.Url);
        var spec = new RequestSpec(Lambda1, Body, token);
        var classify = options.ExpectGreeting ? StackBench.GreetingOk : GatewayOk;
        var warmup = await Load.ClosedLoopAsync(http, spec, classify, options.Clients[0], TimeSpan.FromSeconds(options.WarmupSeconds));
        var result = await Load.ClosedLoopAsync(http, spec, classify, options.Clients[0], TimeSpan.FromSeconds(options.ThroughputSeconds));
        var summary = LoadSummary.From(result);
        summary.Failures += warmup.FailureCount;
        summary.FirstFailures.AddRange(warmup.Failures);
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(summary));
        return summary.Failures > 0 ? 1 : 0;
    }

    internal static async Task<LoadSummary> RunChildAsync(Uri url, string token, int clients, BenchOptions options, double? seconds = null, bool expectGreeting = false)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var arg in new[]
                 {
                     "--load-only", "--url", url.ToString(), "--clients", clients.ToString(Inv),
                     "--throughput-seconds", (seconds ?? options.ThroughputSeconds).ToString(Inv), "--warmup-seconds", options.WarmupSeconds.ToString(Inv),
                 })
        {
            start.ArgumentList.Add(arg);
        }

        if (expectGreeting)
        {
            start.ArgumentList.Add("--expect-greeting");
        }

        start.Environment["BENCH_TOKEN"] = token;
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {self}.");
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The load process exited {child.ExitCode} without a result:\n{output}");
        return JsonSerializer.Deserialize<LoadSummary>(line["RESULT ".Length..])!;
    }

    /// <summary>
    /// What LocalCloud's AWS endpoint adds to a call: <c>GetSecretValue</c> of the stack's secret, one at a time, straight
    /// to moto, through the endpoint as the administrator (forwarded as it is), and through it as ExternalLambda1's role
    /// session (read whole, signature and token verified, IAM evaluated). The three paths take turns, so each sees the
    /// same machine.
    /// </summary>
    private static async Task AwsHopAsync(BenchOptions options)
    {
        await using var host = await BenchStack.StartAsync(new Dictionary<string, string>());
        using var http = new HttpClient();
        SecretsManagerClient Client(string endpoint, AwsCredentials credentials) => new(http, ClientContext(endpoint, credentials));
        var admin = new AwsCredentials(MotoServer.AccessKeyId, MotoServer.SecretAccessKey);
        var paths = new (string Name, SecretsManagerClient Client)[]
        {
            ("direct to moto", Client(host.Moto.Endpoint.ToString(), admin)),
            ("through LocalCloud, administrator", Client(host.Server.AwsEndpoint.ToString(), admin)),
            ("through LocalCloud, ExternalLambda1's role (SigV4 verified, IAM evaluated)", Client(host.Server.AwsEndpoint.ToString(), host.Server.FunctionCredentials["ExternalLambda1"])),
        };
        var samples = paths.Select(_ => new List<double>(options.HopCalls)).ToArray();
        Console.WriteLine();
        Console.WriteLine($"## AWS endpoint hop: GetSecretValue of {SecretName}, {options.HopCalls} calls per path, taking turns, after 300 warm-up calls each");
        for (var i = -300; i < options.HopCalls; i++)
        {
            for (var p = 0; p < paths.Length; p++)
            {
                var started = Stopwatch.GetTimestamp();
                var value = await paths[p].Client.GetSecretStringAsync(SecretName);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!value.Contains("TOPIC_ARN", StringComparison.Ordinal))
                {
                    Fail($"{paths[p].Name}: the secret came back without TOPIC_ARN");
                }

                if (i >= 0)
                {
                    samples[p].Add(elapsed);
                }
            }
        }

        Console.WriteLine("| path | n | p50 | p90 | p99 | max |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var sorted = samples.Select(Stats.Sorted).ToArray();
        for (var p = 0; p < paths.Length; p++)
        {
            Console.WriteLine($"| {paths[p].Name} | {sorted[p].Length} | {Stats.Percentile(sorted[p], 50):0.000} | {Stats.Percentile(sorted[p], 90):0.000} | {Stats.Percentile(sorted[p], 99):0.000} | {sorted[p][^1]:0.000} |");
        }

        for (var p = 1; p < paths.Length; p++)
        {
            Console.WriteLine($"| **added: {paths[p].Name}** | | {Stats.Percentile(sorted[p], 50) - Stats.Percentile(sorted[0], 50):+0.000;-0.000} | {Stats.Percentile(sorted[p], 90) - Stats.Percentile(sorted[0], 90):+0.000;-0.000} | {Stats.Percentile(sorted[p], 99) - Stats.Percentile(sorted[0], 99):+0.000;-0.000} | |");
        }
    }

    /// <summary>Our AWS clients at <paramref name="endpoint"/> with fixed credentials and no retries, so each call is measured once.</summary>
    internal static AwsClientContext ClientContext(string endpoint, AwsCredentials credentials) => new(
        new FixedCredentials(credentials), MotoServer.Region, new AwsEndpointResolver(name => name == AwsEndpointResolver.GlobalEndpointVariable ? endpoint : null),
        AwsRetryPolicy.Default with { MaxAttempts = 1 }, TimeProvider.System);

    private sealed class FixedCredentials(AwsCredentials credentials) : IAwsCredentialsProvider
    {
        public ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken) => ValueTask.FromResult(credentials);
    }

    private static void PrintLatency(LoadResult direct, LoadResult gateway)
    {
        Console.WriteLine();
        Console.WriteLine("Service time (request handed to HttpClient → response body read), ms:");
        Console.WriteLine("| path | n | p50 | p90 | p99 | p99.9 | max |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        var d = Stats.Sorted(direct.ServiceMs);
        var g = Stats.Sorted(gateway.ServiceMs);
        Row($"direct invoke `POST {DirectInvoke}`", d);
        Row($"gateway `POST {Lambda1}`", g);
        Console.WriteLine($"| **added by the gateway** | | {P(g, 50) - P(d, 50):+0.000;-0.000} | {P(g, 90) - P(d, 90):+0.000;-0.000} | {P(g, 99) - P(d, 99):+0.000;-0.000} | {P(g, 99.9) - P(d, 99.9):+0.000;-0.000} | |");

        Console.WriteLine();
        Console.WriteLine("From the scheduled send time (includes the sender's own lateness, ~1 ms timer granularity), ms:");
        Console.WriteLine("| path | n | p50 | p90 | p99 | p99.9 | max |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        var ds = Stats.Sorted(direct.ScheduledMs);
        var gs = Stats.Sorted(gateway.ScheduledMs);
        Row("direct invoke", ds);
        Row("gateway", gs);
        Console.WriteLine($"| **added by the gateway** | | {P(gs, 50) - P(ds, 50):+0.000;-0.000} | {P(gs, 90) - P(ds, 90):+0.000;-0.000} | {P(gs, 99) - P(ds, 99):+0.000;-0.000} | {P(gs, 99.9) - P(ds, 99.9):+0.000;-0.000} | |");
        Console.WriteLine($"achieved rate: direct {direct.Rps:0} rps, gateway {gateway.Rps:0} rps (over send span + drain)");

        static double P(double[] sorted, double p) => Stats.Percentile(sorted, p);
        static void Row(string name, double[] s) =>
            Console.WriteLine($"| {name} | {s.Length} | {P(s, 50):0.000} | {P(s, 90):0.000} | {P(s, 99):0.000} | {P(s, 99.9):0.000} | {s[^1]:0.000} |");
    }

    internal static void Check(string run, LoadResult result, RuntimePollers? pollers)
    {
        if (result.FailureCount > 0)
        {
            Fail($"{run}: {result.FailureCount} of {result.Requests} answers wrong ({string.Join(", ", result.Labels.Select(l => $"{l.Key}: {l.Value}"))}); first: {string.Join(" | ", result.Failures)}");
        }

        if (pollers is not null)
        {
            CheckPollers(pollers);
        }
    }

    private static void CheckPollers(RuntimePollers pollers)
    {
        if (pollers.FirstError is { } error)
        {
            Fail($"runtime poller failed: {error}");
        }
    }

    private static void Fail(string message)
    {
        _failed = true;
        Console.Error.WriteLine("WRONG: " + message);
    }

    internal static void PrintMachine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        Console.WriteLine($"Machine: {Environment.ProcessorCount} logical CPUs, {cpu ?? "unknown CPU"}, {RuntimeInformation.OSDescription}");
        Console.WriteLine($"Runtime: {RuntimeInformation.FrameworkDescription}, server GC {System.Runtime.GCSettings.IsServerGC}");
    }
}

/// <summary>What a throughput run reports (also the load process's answer, as JSON).</summary>
internal sealed class LoadSummary
{
    public long Requests { get; set; }

    public double Rps { get; set; }

    public double P50 { get; set; }

    public double P99 { get; set; }

    public double P999 { get; set; }

    public long Failures { get; set; }

    public List<string> FirstFailures { get; set; } = [];

    public static LoadSummary From(LoadResult result)
    {
        var sorted = Stats.Sorted(result.ServiceMs);
        return new LoadSummary
        {
            Requests = result.Requests,
            Rps = result.Rps,
            P50 = Stats.Percentile(sorted, 50),
            P99 = Stats.Percentile(sorted, 99),
            P999 = Stats.Percentile(sorted, 99.9),
            Failures = result.FailureCount,
            FirstFailures = [.. result.Failures],
        };
    }
}

/// <summary>Working set, GC heap size and gen2 count of this process every 5 s while a run goes.</summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly List<(double WorkingSet, double Heap, int Gen2)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public string First => _samples.Count > 0 ? Format(_samples[0]) : "-";

    public string Last => _samples.Count > 0 ? Format(_samples[^1]) : "-";

    public string Series => string.Join("  ", _samples.Select(s => $"{s.WorkingSet:0}/{s.Heap:0}/{s.Gen2}"));

    public void Start() => _loop = Task.Run(async () =>
    {
        while (true)
        {
            Sample();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(5), _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    });

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        Sample();
    }

    public void Dispose() => _stop.Dispose();

    private void Sample()
    {
        using var process = Process.GetCurrentProcess();
        _samples.Add((process.WorkingSet64 / 1048576.0, GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0, GC.CollectionCount(2)));
    }

    private static string Format((double WorkingSet, double Heap, int Gen2) s) => $"{s.WorkingSet:0} / {s.Heap:0}";
}
