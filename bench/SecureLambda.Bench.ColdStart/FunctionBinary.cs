using System.Diagnostics;
using System.Globalization;
using System.Text;
using SecureLambda.Aws.Lambda;
using SecureLambda.Testing;

namespace SecureLambda.Bench.ColdStart;

/// <summary>One measured cold start: wall time from just before process start to the outcome, and the peak RSS then.</summary>
internal sealed record ColdStartSample(double Milliseconds, double PeakRssMiB);

/// <summary>
/// The function as Lambda runs it, in one of its two forms: the Native AOT <c>bootstrap</c> executable, or the JIT
/// build run as <c>dotnet SecureLambda.Functions.dll</c>.
/// </summary>
internal sealed record FunctionBinary(string Name, string Path)
{
    private static readonly HttpClient WarmUpHttp = new();

    public bool IsAssembly => Path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Starts a fresh process against a fresh Runtime API whose first event is already queued, so the first <c>next</c>
    /// returns at once; stops the clock when the function's response post has been read; reads VmHWM; kills the process.
    /// Throws <see cref="ColdStartFailedException"/> when the answer is wrong, an error, an init error, the process exits,
    /// or nothing arrives in time.
    /// </summary>
    public async Task<ColdStartSample> ColdStartAsync(Scenario scenario, TimeSpan timeout)
    {
        await using var runtime = await FakeLambdaRuntimeApi.StartAsync(scenario.FunctionName);
        // Warm the fake's routes and Kestrel connection handling in this process with a throwaway invocation, so that the
        // measured one pays only for the function's own work, not for the harness's first request on a new server.
        await WarmUpAsync(runtime);

        var outcomeTask = runtime.InvokeAsync(scenario.Payload, DateTimeOffset.UtcNow.Add(timeout));
        var startInfo = StartInfo(scenario, runtime.Address);
        var output = new ConcurrentOutput();

        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {Path}.");
        try
        {
            process.OutputDataReceived += (_, line) => output.Add(line.Data);
            process.ErrorDataReceived += (_, line) => output.Add(line.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            using var timeoutSource = new CancellationTokenSource(timeout);
            var exited = process.WaitForExitAsync(timeoutSource.Token);
            var first = await Task.WhenAny(outcomeTask, runtime.InitError, exited);
            var elapsed = Stopwatch.GetElapsedTime(started);

            if (first == outcomeTask)
            {
                // VmHWM now, while the process still exists: its peak resident set up to the first response.
                var peakRss = ReadPeakRssMiB(process.Id);
                var problem = scenario.Check(await outcomeTask);
                return problem is null
                    ? new ColdStartSample(elapsed.TotalMilliseconds, peakRss)
                    : throw new ColdStartFailedException(this, scenario, problem, output.Text);
            }

            if (first == runtime.InitError)
            {
                var initError = await runtime.InitError;
                throw new ColdStartFailedException(this, scenario, $"the function posted an init error: {initError.Body}", output.Text);
            }

            var reason = timeoutSource.IsCancellationRequested
                ? $"no response within {timeout.TotalSeconds:0} s"
                : $"the process exited with code {process.ExitCode} before it answered";
            throw new ColdStartFailedException(this, scenario, reason, output.Text);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }
    }

    private ProcessStartInfo StartInfo(Scenario scenario, string runtimeApiAddress)
    {
        var startInfo = new ProcessStartInfo(IsAssembly ? "dotnet" : Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        if (IsAssembly)
        {
            startInfo.ArgumentList.Add(Path);
        }

        // Nothing from the harness's own environment may change what the function does.
        foreach (var name in startInfo.Environment.Keys
                     .Where(k => k.StartsWith("AWS_", StringComparison.Ordinal) || k.StartsWith("OTEL_", StringComparison.Ordinal) || k == "_HANDLER" || k == "GREETER_NAME")
                     .ToList())
        {
            startInfo.Environment.Remove(name);
        }

        foreach (var (name, value) in scenario.Environment)
        {
            startInfo.Environment[name] = value;
        }

        startInfo.Environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApiAddress;
        startInfo.Environment["AWS_LAMBDA_FUNCTION_NAME"] = scenario.FunctionName;
        return startInfo;
    }

    private static async Task WarmUpAsync(FakeLambdaRuntimeApi runtime)
    {
        var outcome = runtime.InvokeAsync("{}", DateTimeOffset.UtcNow.AddMinutes(1));
        var baseUri = RuntimeApiAddress.Parse(runtime.Address);
        using var next = await WarmUpHttp.GetAsync(new Uri(baseUri, RuntimeApi.NextInvocation));
        next.EnsureSuccessStatusCode();
        var requestId = next.Headers.GetValues(RuntimeApi.Headers.RequestId).Single();
        using var content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var posted = await WarmUpHttp.PostAsync(new Uri(baseUri, RuntimeApi.InvocationResponse(requestId)), content);
        posted.EnsureSuccessStatusCode();
        await outcome;
    }

    /// <summary>VmHWM ("high water mark") from <c>/proc/PID/status</c>, in MiB.</summary>
    private static double ReadPeakRssMiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kiB = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture);
                return kiB / 1024.0;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no VmHWM line.");
    }

    /// <summary>The process's output, kept so that a failure can show it.</summary>
    private sealed class ConcurrentOutput
    {
        private readonly StringBuilder _text = new();

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_text)
            {
                _text.AppendLine(line);
            }
        }
    }
}

/// <summary>A cold start that did not end in the expected answer; the benchmark stops and exits non-zero.</summary>
internal sealed class ColdStartFailedException(FunctionBinary binary, Scenario scenario, string problem, string output)
    : Exception($"{binary.Name} / {scenario.Name}: {problem}{System.Environment.NewLine}--- function output ---{System.Environment.NewLine}{output}");
