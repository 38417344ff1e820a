using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace SecureLambda.Testing;

/// <summary>
/// The function binary as its own process, as Lambda runs it: the published Native AOT <c>bootstrap</c> when
/// <c>SECURELAMBDA_BOOTSTRAP</c> names one (CI does), otherwise the JIT build run with <c>dotnet</c>, which the entry
/// assembly names in its <c>FunctionsAssembly</c> metadata. Its standard output (Lambda JSON log lines) is collected.
/// </summary>
public sealed class FunctionProcess : IAsyncDisposable
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
            : Assembly.GetEntryAssembly()?.GetCustomAttributes<AssemblyMetadataAttribute>()
                .SingleOrDefault(attribute => attribute.Key == "FunctionsAssembly")?.Value
              ?? throw new InvalidOperationException("Set SECURELAMBDA_BOOTSTRAP to the function binary, or give the entry assembly FunctionsAssembly metadata.");

    /// <summary>The stack's functions as the template defines them: logical id, <c>_HANDLER</c> and <c>GREETER_NAME</c>.</summary>
    public static IReadOnlyList<(string LogicalId, string Handler, string? GreeterName)> StackFunctions { get; } =
        [("ExternalLambda1", "external", "ExternalLambda1"), ("ExternalLambda2", "external", "ExternalLambda2"), ("InternalLambda", "internal", null)];

    /// <summary>
    /// A function of the stack behind LocalCloud, as its Lambda runs it: polling its Runtime API, calling AWS as its role
    /// through the stack's AWS endpoint (so LocalCloud checks every call it makes).
    /// </summary>
    public static FunctionProcess StartBehind<TProgram>(LocalCloudServer<TProgram> server, string logicalId, string handler, string? greeterName)
        where TProgram : class
    {
        ArgumentNullException.ThrowIfNull(server);
        var environment = new Dictionary<string, string>(server.AwsEnvironmentFor(logicalId))
        {
            ["AWS_LAMBDA_RUNTIME_API"] = server.RuntimeApiFor(logicalId),
            ["AWS_LAMBDA_FUNCTION_NAME"] = logicalId,
            ["_HANDLER"] = handler,
        };
        if (greeterName is not null)
        {
            environment["GREETER_NAME"] = greeterName;
        }

        return Start(environment);
    }

    /// <summary>
    /// The settings that let LocalCloud start execution environments of the function binary itself
    /// (<c>LocalCloud:Lambda:Bootstrap</c>), as the AppHost gives them.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> BootstrapSettings =>
        Binary.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new Dictionary<string, string?> { ["LocalCloud:Lambda:Bootstrap:Command"] = "dotnet", ["LocalCloud:Lambda:Bootstrap:Arguments:0"] = Binary }
            : new Dictionary<string, string?> { ["LocalCloud:Lambda:Bootstrap:Command"] = Binary };

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

    /// <summary>How many of the lines written so far match.</summary>
    public int CountLines(Func<string, bool> match) => _output.Count(match);

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
