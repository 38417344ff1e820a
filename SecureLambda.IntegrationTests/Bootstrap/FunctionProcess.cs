using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace SecureLambda.IntegrationTests.Bootstrap;

/// <summary>
/// The function binary as its own process, as Lambda runs it: the published Native AOT <c>bootstrap</c> when
/// <c>SECURELAMBDA_BOOTSTRAP</c> names one (CI does), otherwise the JIT build run with <c>dotnet</c>.
/// Its standard output (Lambda JSON log lines) is collected for assertions.
/// </summary>
internal sealed class FunctionProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private TaskCompletionSource _lineArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FunctionProcess(Process process)
    {
        _process = process;
    }

    public static string Binary =>
        Environment.GetEnvironmentVariable("SECURELAMBDA_BOOTSTRAP") is { Length: > 0 } bootstrap
            ? bootstrap
            : typeof(FunctionProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(attribute => attribute.Key == "FunctionsAssembly").Value!;

    public int ExitCode => _process.ExitCode;

    public static FunctionProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var binary = Binary;
        var isAssembly = binary.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        if (!File.Exists(binary))
        {
            throw new FileNotFoundException($"The function binary {binary} does not exist; build SecureLambda.Functions first.", binary);
        }

        var startInfo = new ProcessStartInfo(isAssembly ? "dotnet" : binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (isAssembly)
        {
            startInfo.ArgumentList.Add(binary);
        }

        // Start from a clean slate: nothing from the test runner's own environment may leak into the function.
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal) || k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {binary}.");
        var function = new FunctionProcess(process);
        process.OutputDataReceived += (_, line) => function.Collect(line.Data);
        process.ErrorDataReceived += (_, line) => function.Collect(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return function;
    }

    /// <summary>Waits until the process has written a line that matches, and returns it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            var arrived = Volatile.Read(ref _lineArrived).Task;
            if (_output.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            await arrived.WaitAsync(deadline.Token);
        }
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
            Interlocked.Exchange(ref _lineArrived, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
