using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.SecretsManager;
using SecureLambda.Aws.Sns;
using SecureLambda.CloudFormation;
using SecureLambda.LocalCloud.Lambda;
using SecureLambda.Testing;

namespace SecureLambda.Bench.Gateway;

/// <summary>
/// The whole stack, as a user's load test meets it: LocalCloud (in this process) against its moto, with the three
/// functions as the very binary that is deployed, whose environments LocalCloud starts on demand. With throttling,
/// quotas and the WAF rate rule raised out of the way: serial latency of one client, closed-loop throughput of
/// <see cref="BenchOptions.StackClients"/> clients from a separate load process and an open-loop run, each counted
/// twice: at the gateway (200 with the greeting) and at InternalLambda (its successful invocations, one per greeting
/// the topic delivered), so the asynchronous hop's rate is measured, not assumed; moto's raw rate for the same calls is
/// the anchor. Then the template's own throttles under the same clients.
/// </summary>
internal static class StackBench
{
    private const string Greeting = """{"message":"Hello Ada. Greetings from ExternalLambda1! Message forwarded to InternalLambda."}""";

    /// <summary>How long the topic may stay quiet before the backlog counts as drained.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    public static readonly Classifier GreetingOk = (status, _, body) => (status.ToString(System.Globalization.CultureInfo.InvariantCulture), status == 200 && body == Greeting);

    public static async Task RunAsync(BenchOptions options)
    {
        await LimitsRaisedAsync(options);
        await ThrottledAsync(options);
    }

    /// <summary>The stack with every limit raised out of the way: serial, closed-loop and open-loop runs, then moto's ceiling.</summary>
    private static async Task LimitsRaisedAsync(BenchOptions options)
    {
        // LocalCloud starts each function's environments, processes of the binary, as invocations need them, up to the
        // template's ReservedConcurrentExecutions, or --stack-environments.
        var parameters = new Dictionary<string, string?>(FunctionProcess.BootstrapSettings);
        foreach (var (logicalId, _, _) in FunctionProcess.StackFunctions)
        {
            if (options.StackEnvironments is { } bound)
            {
                parameters[$"LocalCloud:Lambda:Environments:{logicalId}"] = bound.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        await using var host = await BenchStack.StartAsync(BenchStack.LimitsRaised, parameters);
        var functions = host.Server.Services.GetRequiredService<LambdaFunctions>();
        var internalLambda = (await functions.FindAsync("InternalLambda", CancellationToken.None))!;
        var token = await host.Server.SignInAsync(LocalCloudServer.User1, "UserPool1ClientId");
        using var http = Load.CreateClient(host.Server.Address);
        var spec = new RequestSpec(GatewayBench.Lambda1, GatewayBench.Body, token);
        Console.WriteLine();
        Console.WriteLine($"## Whole stack: POST {GatewayBench.Lambda1} → ExternalLambda1 (GetSecretValue, Publish) → SNS → InternalLambda, the function binary {Path.GetFileName(FunctionProcess.Binary)}, environments started by LocalCloud on demand up to {(options.StackEnvironments is { } n ? $"{n}" : "the default bound (the reserved concurrency, at most LocalCloud:Lambda:MaxEnvironmentsPerFunction)")} per function");

        // One client, one request at a time: the latency a developer feels.
        GatewayBench.Check("warm-up serial", await Load.ClosedLoopAsync(http, spec, GreetingOk, 1, TimeSpan.FromSeconds(options.WarmupSeconds)), null);
        await DrainAsync(internalLambda);
        var serial = await MeasureAsync(internalLambda, async () => LoadSummary.From(await Load.ClosedLoopAsync(http, spec, GreetingOk, 1, TimeSpan.FromSeconds(options.StackSeconds))));

        // Many clients from a separate process (its own warm-up included in what InternalLambda counts).
        var loaded = await MeasureAsync(internalLambda, () =>
            GatewayBench.RunChildAsync(host.Server.Address, token, options.StackClients, options, options.StackSeconds, expectGreeting: true));

        // Open loop: requests at a fixed rate whatever the answers' pace, each one's latency from its scheduled time.
        var open = await MeasureAsync(internalLambda, async () =>
            OpenLoopSummary(await Load.OpenLoopAsync(http, spec, GreetingOk, options.StackOpenRate, TimeSpan.FromSeconds(options.StackSeconds))));

        Console.WriteLine();
        Console.WriteLine("| load | gateway 200s | gateway rps | p50 ms | p99 ms | p99.9 ms | wrong | delivered to InternalLambda | end-to-end greetings/s | drain after the load s |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(serial.Row("1 client, closed loop"));
        Console.WriteLine(loaded.Row($"{options.StackClients} clients, closed loop, separate process"));
        Console.WriteLine(open.Row($"open loop at {options.StackOpenRate:0} rps"));
        Console.WriteLine();
        Console.WriteLine("Execution environments at the end: " + string.Join(", ",
            (await functions.ListAsync(CancellationToken.None)).Select(function => $"{function.Definition.LogicalId} {function.ConnectedEnvironments} of {function.MaxEnvironments}")));

        await EngineCeilingAsync(host, options);
    }

    /// <summary>
    /// The stack as the template defines it (only the web ACL's per-IP rate rule raised, as all load comes from one
    /// address): <see cref="BenchOptions.StackClients"/> clients at full speed through client app 1's key, counted
    /// against the stage's bucket bound (burst + rate × t) and the client app's own (its usage plan's throttle).
    /// </summary>
    private static async Task ThrottledAsync(BenchOptions options)
    {
        var template = CloudFormationTemplate.Load(Path.Combine(RepositoryFolder.Root, "cloudformation", "secure-lambda.yaml"));
        double Default(string name) => double.Parse(template.Parameters[name].Default!.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        await using var host = await BenchStack.StartAsync(new Dictionary<string, string> { ["WafRateLimit"] = "2000000000" }, FunctionProcess.BootstrapSettings);
        var token = await host.Server.SignInAsync(LocalCloudServer.User1, "UserPool1ClientId");
        using var http = Load.CreateClient(host.Server.Address);
        Classifier greetedOrThrottled = (status, _, body) => status switch
        {
            200 when body == Greeting => ("200", true),
            429 => ($"429 {System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("message").GetString()}", true),
            _ => (status.ToString(System.Globalization.CultureInfo.InvariantCulture), false),
        };
        var result = await Load.ClosedLoopAsync(http, new RequestSpec(GatewayBench.Lambda1, GatewayBench.Body, token), greetedOrThrottled, options.StackClients, TimeSpan.FromSeconds(options.StackSeconds));
        var t = result.Elapsed.TotalSeconds;
        var admitted = result.Labels.GetValueOrDefault("200");
        var stageBound = Default("ThrottlingBurstLimit") + (Default("ThrottlingRateLimit") * t);
        var clientBound = Default("ClientThrottlingBurstLimit") + (Default("ClientThrottlingRateLimit") * t);
        if (result.FailureCount > 0)
        {
            Console.Error.WriteLine($"wrong answers: {result.FailureCount}: {string.Join(" | ", result.Failures)}");
            Environment.ExitCode = 1;
        }

        Console.WriteLine();
        Console.WriteLine($"## The template's throttles: {options.StackClients} clients at full speed for {t:0.0} s through client app 1's key (stage {Default("ThrottlingRateLimit")}/s burst {Default("ThrottlingBurstLimit")}, client app {Default("ClientThrottlingRateLimit")}/s burst {Default("ClientThrottlingBurstLimit")})");
        Console.WriteLine("| sent | admitted (200) | answers | stage bound burst + rate·t | client app bound | admitted / client app bound |");
        Console.WriteLine("|---:|---:|---|---:|---:|---:|");
        Console.WriteLine($"| {result.Requests} | {admitted} | {string.Join(", ", result.Labels.OrderBy(label => label.Key, StringComparer.Ordinal).Select(label => $"{label.Key}: {label.Value}"))} | {stageBound:0} | {clientBound:0} | {admitted / clientBound:0.000} |");
    }

    /// <summary>An open-loop run's figures, its latencies from each request's scheduled time, so a late sender counts against them.</summary>
    private static LoadSummary OpenLoopSummary(LoadResult result)
    {
        var summary = LoadSummary.From(result);
        var sorted = Stats.Sorted(result.ScheduledMs);
        summary.P50 = Stats.Percentile(sorted, 50);
        summary.P99 = Stats.Percentile(sorted, 99);
        summary.P999 = Stats.Percentile(sorted, 99.9);
        return summary;
    }

    /// <summary>A load run, and InternalLambda's deliveries from its start until the topic has been quiet for <see cref="Quiet"/>.</summary>
    private static async Task<StackRun> MeasureAsync(LocalFunction internalLambda, Func<Task<LoadSummary>> load)
    {
        var before = Delivered(internalLambda);
        var start = Stopwatch.GetTimestamp();
        var summary = await load();
        var loadEnded = Stopwatch.GetElapsedTime(start);
        if (summary.Failures > 0)
        {
            Console.Error.WriteLine($"wrong answers: {summary.Failures}: {string.Join(" | ", summary.FirstFailures)}");
            Environment.ExitCode = 1;
        }

        var drainedAt = await DrainAsync(internalLambda);
        var delivered = Delivered(internalLambda) - before;
        var endToEnd = Stopwatch.GetElapsedTime(start, drainedAt);
        return new StackRun(summary, delivered, delivered / endToEnd.TotalSeconds, (endToEnd - loadEnded).TotalSeconds);
    }

    /// <summary>Waits until InternalLambda has answered no new greeting for <see cref="Quiet"/>; returns the time of its last one.</summary>
    private static async Task<long> DrainAsync(LocalFunction internalLambda)
    {
        var count = Delivered(internalLambda);
        var lastChange = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(lastChange) < Quiet)
        {
            await Task.Delay(100);
            var now = Delivered(internalLambda);
            if (now != count)
            {
                (count, lastChange) = (now, Stopwatch.GetTimestamp());
            }
        }

        return lastChange;
    }

    /// <summary>The greetings InternalLambda's environments have answered so far, together.</summary>
    private static long Delivered(LocalFunction internalLambda) => internalLambda.Status.SucceededInvocations;

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
        Console.WriteLine($"moto alone, {calls} serial calls each after 100 warm-up (Publish goes to the topic, whose Lambda subscription is LocalCloud's):");
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

    private sealed record StackRun(LoadSummary Gateway, long Delivered, double EndToEndPerSecond, double DrainSeconds)
    {
        public string Row(string load) =>
            $"| {load} | {Gateway.Requests - Gateway.Failures} | {Gateway.Rps:0.0} | {Gateway.P50:0.00} | {Gateway.P99:0.00} | {Gateway.P999:0.00} | {Gateway.Failures} | {Delivered} | {EndToEndPerSecond:0.0} | {DrainSeconds:0.0} |";
    }
}
