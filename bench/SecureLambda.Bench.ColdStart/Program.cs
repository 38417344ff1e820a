using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.SecretsManager;
using SecureLambda.Aws.Sns;
using SecureLambda.Bench.ColdStart;
using SecureLambda.Testing;

// Cold start of the function: process start -> first response posted to a local Runtime API, for the Native AOT
// bootstrap and the JIT build, per scenario. Numbers are reported, never asserted; a wrong answer fails the run (exit 1).
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

#if DEBUG
Console.Error.WriteLine("warning: the harness itself is a Debug build; run it with -c Release.");
#endif

try
{
    string? root = null;
    var bootstrap = options.Bootstrap ?? await Artifacts.PublishAotAsync(root ??= Artifacts.RepositoryRoot());
    var jit = options.Jit ?? await Artifacts.BuildJitAsync(root ??= Artifacts.RepositoryRoot());
    FunctionBinary[] binaries = [new("AOT", bootstrap), new("JIT", jit)];
    foreach (var binary in binaries.Where(b => !File.Exists(b.Path)))
    {
        throw new FileNotFoundException($"{binary.Name}: {binary.Path} does not exist.", binary.Path);
    }

    PrintMachine();
    PrintSizes(bootstrap, jit);

    await using var moto = await MotoServer.StartAsync();
    var topicArn = (await moto.AwsCliAsync("sns", "create-topic", "--name", "greetings"))!.Value.GetProperty("TopicArn").GetString()!;
    await moto.AwsCliAsync("secretsmanager", "create-secret", "--name", "LambdaSNSTopicARN",
        "--secret-string", JsonSerializer.Serialize(new Dictionary<string, string> { ["TOPIC_ARN"] = topicArn }));
    await using var otlp = await OtlpSink.StartAsync();

    var scenarios = new Dictionary<string, Scenario>
    {
        [Scenario.Internal] = Scenario.ForInternal(moto.ClientEnvironment),
        [Scenario.External] = Scenario.ForExternal(moto.ClientEnvironment),
        [Scenario.InternalOtlp] = Scenario.ForInternalWithOtlp(moto.ClientEnvironment, otlp.Endpoint),
    };

    Console.WriteLine();
    Console.WriteLine($"Reference points ({options.Runs} runs each, after one warm-up):");
    var spawn = await MeasureSpawnAsync(options.Runs);
    Console.WriteLine($"  spawn /bin/true and wait for its exit (the harness's process-start floor): median {spawn.Median:0.0} ms, p90 {spawn.P90:0.0} ms");
    var moToRoundTrip = await MeasureMotoRoundTripAsync(moto, topicArn, options.Runs);
    Console.WriteLine($"  GetSecretValue + Publish to moto from a warm in-process client (moto's share of `external`): median {moToRoundTrip.Median:0.0} ms, p90 {moToRoundTrip.P90:0.0} ms");

    // One discarded warm-up per binary and scenario, all before the first measured run: the binaries' files are then in
    // the page cache, moto has served its first requests, and the harness's own first-use costs are paid.
    Console.Error.Write("warm-up:");
    foreach (var name in options.Scenarios)
    {
        foreach (var binary in binaries)
        {
            Console.Error.Write($" {binary.Name}/{name}");
            await binary.ColdStartAsync(scenarios[name], options.RunTimeout);
        }
    }

    Console.Error.WriteLine();
    var results = new List<(FunctionBinary Binary, Scenario Scenario, Summary Ms, double RssMiB)>();
    foreach (var name in options.Scenarios)
    {
        var scenario = scenarios[name];
        Console.Error.Write($"{scenario.Name}:");

        // Alternate the binaries run by run, so that drift on the machine (another process, thermal) hits both alike.
        var samples = binaries.ToDictionary(b => b, _ => new List<ColdStartSample>());
        for (var run = 1; run <= options.Runs; run++)
        {
            Console.Error.Write($" {run}");
            foreach (var binary in binaries)
            {
                samples[binary].Add(await binary.ColdStartAsync(scenario, options.RunTimeout));
            }
        }

        Console.Error.WriteLine();
        foreach (var binary in binaries)
        {
            results.Add((binary, scenario, Summary.Of(samples[binary].Select(s => s.Milliseconds)), Summary.Of(samples[binary].Select(s => s.PeakRssMiB)).Median));
        }
    }

    Console.WriteLine();
    Console.WriteLine($"Cold start, process start -> first response posted ({options.Runs} runs per row, one warm-up discarded):");
    Console.WriteLine();
    Console.WriteLine("| Scenario | Binary | min ms | median ms | p90 ms | max ms | median peak RSS MiB | JIT/AOT (medians) |");
    Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
    foreach (var (binary, scenario, ms, rss) in results)
    {
        var aot = results.Single(r => r.Scenario == scenario && r.Binary.Name == "AOT");
        var ratio = binary.Name == "JIT" ? (ms.Median / aot.Ms.Median).ToString("0.0", CultureInfo.InvariantCulture) + "×" : string.Empty;
        Console.WriteLine(FormattableString.Invariant(
            $"| {scenario.Name} | {binary.Name} | {ms.Min:0.0} | {ms.Median:0.0} | {ms.P90:0.0} | {ms.Max:0.0} | {rss:0.0} | {ratio} |"));
    }

    if (options.Scenarios.Contains(Scenario.InternalOtlp))
    {
        Console.WriteLine();
        Console.WriteLine($"OTLP exports received by the sink in all internal+otlp runs: {otlp.Exports}");
    }

    return 0;
}
catch (ColdStartFailedException failure)
{
    Console.Error.WriteLine();
    Console.Error.WriteLine($"FAILED: {failure.Message}");
    return 1;
}
catch (FileNotFoundException missing)
{
    Console.Error.WriteLine(missing.Message);
    return 2;
}

static void PrintMachine()
{
    var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
    Console.WriteLine($"Machine: {Environment.ProcessorCount} logical CPUs ({model}), {Environment.OSVersion}, .NET runtime {Environment.Version}");
}

static void PrintSizes(string bootstrap, string jit)
{
    static double MiB(long bytes) => bytes / (1024.0 * 1024.0);
    var jitDirectory = new DirectoryInfo(Path.GetDirectoryName(jit)!);
    var jitTotal = jitDirectory.EnumerateFiles("*.dll").Sum(f => f.Length);
    Console.WriteLine(FormattableString.Invariant($"Sizes: AOT bootstrap {MiB(new FileInfo(bootstrap).Length):0.00} MiB (stand-alone); JIT {Path.GetFileName(jit)} {MiB(new FileInfo(jit).Length):0.00} MiB, all app dlls in its folder {MiB(jitTotal):0.00} MiB (plus the shared .NET runtime)"));
}

static async Task<Summary> MeasureSpawnAsync(int runs)
{
    var samples = new List<double>();
    for (var run = 0; run <= runs; run++)
    {
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        if (run > 0)
        {
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    return Summary.Of(samples);
}

static async Task<Summary> MeasureMotoRoundTripAsync(MotoServer moto, string topicArn, int runs)
{
    using var http = new HttpClient();
    var context = AwsClientContext.FromEnvironment(name => moto.ClientEnvironment.GetValueOrDefault(name));
    var secrets = new SecretsManagerClient(http, context);
    var sns = new SnsClient(http, context);
    var samples = new List<double>();
    for (var run = 0; run <= runs; run++)
    {
        var started = Stopwatch.GetTimestamp();
        await secrets.GetSecretStringAsync("LambdaSNSTopicARN");
        await sns.PublishAsync(new SnsPublishRequest(topicArn, "Ada"));
        if (run > 0)
        {
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    return Summary.Of(samples);
}
