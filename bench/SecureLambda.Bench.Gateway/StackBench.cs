using System.Diagnostics;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.SecretsManager;
using SecureLambda.Aws.Sns;
using SecureLambda.Testing;

namespace SecureLambda.Bench.Gateway;

/// <summary>
/// The whole stack, as a user's load test meets it: LocalCloud (in this process) against its moto, with the three
/// functions as the very binary that is deployed, each its own process on the Runtime API. Serial latency of one
/// client, then closed-loop throughput of <see cref="BenchOptions.StackClients"/> clients from a separate load process,
/// each counted twice: at the gateway (200 with the greeting) and at InternalLambda (its log line for each greeting the
/// topic delivered), so the asynchronous hop's rate is measured, not assumed. moto's raw rate for the same calls closes
/// the run as the anchor. Throttling, quotas and the WAF rate rule are raised out of the way.
/// </summary>
internal static class StackBench
{
    private const string Greeting = """{"message":"Hello Ada. Greetings from ExternalLambda1! Message forwarded to InternalLambda."}""";
    private const string Delivered = "Hello Ada. Greetings from InternalLambda!";

    /// <summary>How long the topic may stay quiet before the backlog counts as drained.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    public static readonly Classifier GreetingOk = (status, _, body) => (status.ToString(System.Globalization.CultureInfo.InvariantCulture), status == 200 && body == Greeting);

    public static async Task RunAsync(BenchOptions options)
    {
        await using var host = await BenchStack.StartAsync(BenchStack.LimitsRaised);
        // Each function's environments: processes of the binary polling the same Runtime API, as Lambda scales out.
        var functions = FunctionProcess.StackFunctions
            .SelectMany(f => Enumerable.Range(0, options.StackEnvironments).Select(_ => (f.LogicalId, Process: FunctionProcess.StartBehind(host.Server, f.LogicalId, f.Handler, f.GreeterName))))
            .ToList();
        try
        {
            IReadOnlyList<FunctionProcess> internalLambda = [.. functions.Where(f => f.LogicalId == "InternalLambda").Select(f => f.Process)];
            var token = await host.Server.SignInAsync(LocalCloudServer.User1, "UserPool1ClientId");
            using var http = Load.CreateClient(host.Server.Address);
            var spec = new RequestSpec(GatewayBench.Lambda1, GatewayBench.Body, token);
            Console.WriteLine();
            Console.WriteLine($"## Whole stack: POST {GatewayBench.Lambda1} → ExternalLambda1 (GetSecretValue, Publish) → SNS → InternalLambda, the function binary {Path.GetFileName(FunctionProcess.Binary)}, {options.StackEnvironments} process(es) per function");

            // One client, one request at a time: the latency a developer feels.
            GatewayBench.Check("warm-up serial", await Load.ClosedLoopAsync(http, spec, GreetingOk, 1, TimeSpan.FromSeconds(options.WarmupSeconds)), null);
            await DrainAsync(internalLambda);
            var serial = await MeasureAsync(internalLambda, async () => LoadSummary.From(await Load.ClosedLoopAsync(http, spec, GreetingOk, 1, TimeSpan.FromSeconds(options.StackSeconds))));

            // Many clients from a separate process (its own warm-up included in what InternalLambda counts).
            var loaded = await MeasureAsync(internalLambda, () =>
                GatewayBench.RunChildAsync(host.Server.Address, token, options.StackClients, options, options.StackSeconds, expectGreeting: true));

            Console.WriteLine();
            Console.WriteLine("| clients | gateway 200s | gateway rps | p50 ms | p99 ms | p99.9 ms | wrong | delivered to InternalLambda | end-to-end greetings/s | drain after the load s |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine(serial.Row(1));
            Console.WriteLine(loaded.Row(options.StackClients));

            await EngineCeilingAsync(host, options);
        }
        finally
        {
            foreach (var (_, process) in functions)
            {
                await process.DisposeAsync();
            }
        }
    }

    /// <summary>A load run, and InternalLambda's deliveries from its start until the topic has been quiet for <see cref="Quiet"/>.</summary>
    private static async Task<StackRun> MeasureAsync(IReadOnlyList<FunctionProcess> internalLambda, Func<Task<LoadSummary>> load)
    {
        var before = Count(internalLambda);
        var start = Stopwatch.GetTimestamp();
        var summary = await load();
        var loadEnded = Stopwatch.GetElapsedTime(start);
        if (summary.Failures > 0)
        {
            Console.Error.WriteLine($"wrong answers: {summary.Failures}: {string.Join(" | ", summary.FirstFailures)}");
            Environment.ExitCode = 1;
        }

        var drainedAt = await DrainAsync(internalLambda);
        var delivered = Count(internalLambda) - before;
        var endToEnd = Stopwatch.GetElapsedTime(start, drainedAt);
        return new StackRun(summary, delivered, delivered / endToEnd.TotalSeconds, (endToEnd - loadEnded).TotalSeconds);
    }

    /// <summary>Waits until InternalLambda has logged no new greeting for <see cref="Quiet"/>; returns the time of its last one.</summary>
    private static async Task<long> DrainAsync(IReadOnlyList<FunctionProcess> internalLambda)
    {
        var count = Count(internalLambda);
        var lastChange = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(lastChange) < Quiet)
        {
            await Task.Delay(100);
            var now = Count(internalLambda);
            if (now != count)
            {
                (count, lastChange) = (now, Stopwatch.GetTimestamp());
            }
        }

        return lastChange;
    }

    /// <summary>The deliveries InternalLambda's environments have logged so far, together.</summary>
    private static int Count(IReadOnlyList<FunctionProcess> internalLambda) =>
        internalLambda.Sum(process => process.CountLines(line => line.Contains(Delivered, StringComparison.Ordinal)));

    /// <summary>moto's own rate for the calls each greeting costs it, serially, straight to it as the administrator.</summary>
    private static async Task EngineCeilingAsync(BenchStack host, BenchOptions options)
    {
        using var http = new HttpClient();
        var context = GatewayBench.ClientContext(host.Moto.Endpoint.ToString(), new AwsCredentials(MotoServer.AccessKeyId, MotoServer.SecretAccessKey));
        var secrets = new SecretsManagerClient(http, context);
        var sns = new SnsClient(http, context);
        var topicArn = host.Server.Outputs.GetProperty("TopicArn").GetString()!;
        var calls = Math.Min(options.HopCalls, 1000);
        Console.WriteLine();
        Console.WriteLine($"moto alone, {calls} serial calls each after 100 warm-up (Publish goes to the topic with its Lambda subscription's stand-in queue):");
        Console.WriteLine("| call | p50 ms | p99 ms | calls/s |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, call) in new (string, Func<Task>)[]
                 {
                     ("GetSecretValue", () => secrets.GetSecretValueAsync("LambdaSNSTopicARN")),
                     ("Publish", () => sns.PublishAsync(new SnsPublishRequest(topicArn, "{\"name\":\"Ceiling\"}"))),
                 })
        {
            var samples = new List<double>(calls);
            for (var i = -100; i < calls; i++)
            {
                var sent = Stopwatch.GetTimestamp();
                await call();
                if (i >= 0)
                {
                    samples.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                }
            }

            var sorted = Stats.Sorted(samples);
            Console.WriteLine($"| {name} | {Stats.Percentile(sorted, 50):0.00} | {Stats.Percentile(sorted, 99):0.00} | {1000 / samples.Average():0} |");
        }
    }

    private sealed record StackRun(LoadSummary Gateway, int Delivered, double EndToEndPerSecond, double DrainSeconds)
    {
        public string Row(int clients) =>
            $"| {clients} | {Gateway.Requests - Gateway.Failures} | {Gateway.Rps:0.0} | {Gateway.P50:0.00} | {Gateway.P99:0.00} | {Gateway.P999:0.00} | {Gateway.Failures} | {Delivered} | {EndToEndPerSecond:0.0} | {DrainSeconds:0.0} |";
    }
}
