using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Lambda;
using SecureLambda.LocalCloud.AwsEndpoint;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Diagnostics;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>The function binary LocalCloud starts execution environments from (section <c>LocalCloud:Lambda:Bootstrap</c>).</summary>
public sealed class LambdaBootstrapOptions
{
    /// <summary>The executable: the deployed <c>bootstrap</c>, or <c>dotnet</c> for a JIT build. Unset: LocalCloud starts no environment.</summary>
    public string? Command { get; set; }

    /// <summary>Its arguments, such as the assembly <c>dotnet</c> runs.</summary>
    public List<string> Arguments { get; set; } = [];

    /// <summary>
    /// The environments of each function that the host runs itself (the AppHost's one process per function, which an
    /// IDE may debug): counted in the bound from the start, before they first poll, so that none is started in their place.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, 1000)]
    public int HostedEnvironments { get; set; }

    /// <summary>The service name each function's environments report telemetry as (the dashboard's name), by logical id; the function's name otherwise.</summary>
    public Dictionary<string, string> ServiceNames { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether each line the environments write goes to LocalCloud's standard output as an
    /// <see cref="ExecutionEnvironmentOutput"/> line, for a host that shows it with the function's own output (the
    /// AppHost, in the function's console); otherwise LocalCloud logs it.
    /// </summary>
    public bool OutputToStandardOutput { get; set; }
}

/// <summary>LocalCloud's standard output, where the environments' lines go with <see cref="LambdaBootstrapOptions.OutputToStandardOutput"/>.</summary>
public sealed class ExecutionEnvironmentsConsole(TextWriter writer)
{
    // Each environment's standard output and standard error are read at once.
    private readonly TextWriter _writer = TextWriter.Synchronized(writer);

    public void Write(ExecutionEnvironmentOutput line)
    {
        ArgumentNullException.ThrowIfNull(line);
        _writer.WriteLine(line.ToString());
    }
}

/// <summary>
/// The execution environments Lambda starts for a function as its invocations need them: when an event waits and no
/// environment is idle, a new process of the function binary starts, up to the function's bound
/// (<see cref="LocalFunction.MaxEnvironments"/>), like a cold start in Lambda, with an <c>Lambda Init</c> span in the
/// trace of the invocation that asked for it, ended when the new environment first asks for an event.
/// Each environment is told only what Lambda tells a function (its configuration, its own Runtime API secret, its
/// execution role's session, the stack's AWS endpoint) and nothing of LocalCloud's own settings: no other function's
/// secret or credentials. Environments live until LocalCloud stops; one that exits is gone, and the next demand starts another.
/// https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
/// </summary>
public sealed partial class ExecutionEnvironments(
    IOptions<LocalLambdaOptions> options,
    IOptions<AwsEndpointOptions> awsEndpoint,
    AccountCredentials account,
    RuntimeApiKeys keys,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    ExecutionEnvironmentsConsole console,
    ILogger<ExecutionEnvironments> logger) : IHostedService
{
    /// <summary>What an environment inherits of LocalCloud's own environment: what a process needs to run at all, and the telemetry export.</summary>
    private static readonly string[] InheritedVariables = ["PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "DOTNET_ROOT", "DOTNET_ROOT_X64"];

    private readonly ConcurrentDictionary<string, LaunchedEnvironment> _environments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _starting = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _outside = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _launched;
    private volatile bool _stopping;

    /// <summary>Whether LocalCloud starts environments at all: only with a bootstrap to start.</summary>
    public bool CanLaunch => options.Value.Bootstrap.Command is { Length: > 0 };

    /// <summary>
    /// An event of <paramref name="function"/> waits with no idle environment: starts one, unless enough are starting
    /// already for what waits, or the function has all the environments its bound allows.
    /// </summary>
    public void Demand(LocalFunction function, int waiting)
    {
        if (!CanLaunch || _stopping)
        {
            return;
        }

        var logicalId = function.Definition.LogicalId;
        lock (_gate)
        {
            // What the function has: the environments started here (an environment between its answer and its next
            // poll is neither idle nor running, yet there), and the one from outside, such as the AppHost's process.
            var starting = _starting.GetValueOrDefault(logicalId);
            var present = Running(logicalId) + Math.Max(options.Value.Bootstrap.HostedEnvironments, _outside.ContainsKey(logicalId) ? 1 : 0);
            if (starting >= waiting - function.IdlePollers || Math.Max(present, function.ConnectedEnvironments + starting) >= function.MaxEnvironments)
            {
                return;
            }

            _starting[logicalId] = starting + 1;
        }

        try
        {
            Launch(function);
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            StartingEnded(logicalId);
            LogLaunchFailed(exception, function.Definition.FunctionName, options.Value.Bootstrap.Command!);
        }
    }

    private void StartingEnded(string logicalId)
    {
        lock (_gate)
        {
            _starting[logicalId] = Math.Max(0, _starting.GetValueOrDefault(logicalId) - 1);
        }
    }

    /// <summary>An environment asked for an event: one started here is past its cold start; another is the function's from outside.</summary>
    public void Polled(string logicalId, string runtimeApiSecret)
    {
        if (!_environments.TryGetValue(runtimeApiSecret, out var environment))
        {
            _outside.TryAdd(logicalId, true);
        }
        else if (environment.MarkReady())
        {
            StartingEnded(environment.LogicalId);
        }
    }

    /// <summary>The environments LocalCloud has started for the function that are running now.</summary>
    public int Running(string logicalId) => _environments.Values.Count(environment => environment.LogicalId == logicalId);

    private void Launch(LocalFunction function)
    {
        var definition = function.Definition;
        var bootstrap = options.Value.Bootstrap;
        var secret = keys.IssueEnvironmentSecret(definition);
        var number = Interlocked.Increment(ref _launched);
        var serviceName = bootstrap.ServiceNames.GetValueOrDefault(definition.LogicalId) ?? definition.FunctionName;
        var start = new ProcessStartInfo(bootstrap.Command!)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in bootstrap.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing of LocalCloud's own environment, only what EnvironmentOf picks.
        start.Environment.Clear();
        foreach (var (name, value) in EnvironmentOf(function, secret, serviceName, number))
        {
            start.Environment[name] = value;
        }

        // The cold start, in the trace of the invocation that asked for it; the invocation's own span stays the current one.
        var invocation = Activity.Current;
        var init = LocalCloudTelemetry.Source.StartActivity($"Lambda Init {definition.FunctionName}", ActivityKind.Internal);
        Activity.Current = invocation;
        init?.SetTag("faas.name", definition.FunctionName);
        init?.SetTag("faas.coldstart", true);
        init?.SetTag("securelambda.lambda.environment", number);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var environment = new LaunchedEnvironment(definition.LogicalId, number, process, init);
        _environments[secret] = environment;
        process.Exited += (_, _) => Exited(secret, environment);
        try
        {
            if (!process.Start())
            {
                throw new InvalidOperationException($"{start.FileName} did not start.");
            }
        }
        catch
        {
            // Nothing of it stays: not its secret, nor its place among the environments.
            _environments.TryRemove(secret, out _);
            keys.RevokeEnvironmentSecret(definition.LogicalId, secret);
            init?.SetStatus(ActivityStatusCode.Error, "The bootstrap did not start.");
            init?.Dispose();
            process.Dispose();
            throw;
        }

        init?.SetTag("process.pid", process.Id);
        LogLaunched(definition.FunctionName, number, process.Id);
        _ = PipeAsync(process.StandardOutput, definition, number, isError: false);
        _ = PipeAsync(process.StandardError, definition, number, isError: true);
    }

    /// <summary>
    /// What Lambda gives a function's process, and no more: the resolved <c>Environment</c> first, then Lambda's own
    /// variables, which a function's environment may not set. LocalCloud's own variables (every function's secret and
    /// credentials among them) are not passed on.
    /// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
    /// </summary>
    private Dictionary<string, string> EnvironmentOf(LocalFunction function, string secret, string serviceName, int number)
    {
        var definition = function.Definition;
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in InheritedVariables)
        {
            if (System.Environment.GetEnvironmentVariable(name) is { } value)
            {
                variables[name] = value;
            }
        }

        foreach (var (name, value) in System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                     .Select(entry => ((string)entry.Key, entry.Value as string ?? string.Empty))
                     .Where(entry => entry.Item1.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal)))
        {
            variables[name] = value;
        }

        variables["OTEL_SERVICE_NAME"] = serviceName;
        variables["OTEL_RESOURCE_ATTRIBUTES"] = string.Create(CultureInfo.InvariantCulture, $"service.instance.id={serviceName}-{number}");
        foreach (var (name, value) in definition.Environment)
        {
            variables[name] = value;
        }

        var (apiHost, awsUrl) = Addresses();
        foreach (var (name, value) in LambdaFunctionVariables.Of(definition.Handler, definition.FunctionName, definition.MemorySize))
        {
            variables[name] = value;
        }

        variables["AWS_LAMBDA_RUNTIME_API"] = $"{apiHost}/{definition.LogicalId}/{secret}";
        variables["AWS_ENDPOINT_URL"] = awsUrl;
        variables["AWS_REGION"] = account.Region;
        variables["AWS_DEFAULT_REGION"] = account.Region;
        if (options.Value.Credentials.TryGetValue(definition.LogicalId, out var session) && session.AccessKeyId.Length > 0)
        {
            variables[EnvironmentCredentialsProvider.AccessKeyIdVariable] = session.AccessKeyId;
            variables[EnvironmentCredentialsProvider.SecretAccessKeyVariable] = session.SecretAccessKey;
            variables[EnvironmentCredentialsProvider.SessionTokenVariable] = session.SessionToken;
        }

        return variables;
    }

    /// <summary>Where LocalCloud listens: the Runtime API's <c>host:port</c> (its API port) and the stack's AWS endpoint.</summary>
    private (string RuntimeApiHost, string AwsEndpointUrl) Addresses()
    {
        var awsPort = awsEndpoint.Value.Port;
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.Select(address => new Uri(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal))).ToList() ?? [];
        var api = addresses.FirstOrDefault(address => address.Port != awsPort)
            ?? throw new InvalidOperationException("LocalCloud listens on no port besides its AWS endpoint, so there is no Runtime API to give an environment.");
        var host = api.Host is "0.0.0.0" or "[::]" ? "localhost" : api.Host;
        return ($"{host}:{api.Port}", string.Create(CultureInfo.InvariantCulture, $"http://{host}:{awsPort}"));
    }

    private void Exited(string secret, LaunchedEnvironment environment)
    {
        _environments.TryRemove(secret, out _);
        keys.RevokeEnvironmentSecret(environment.LogicalId, secret);
        if (environment.MarkReady(failure: "The environment exited during its init."))
        {
            // It ended before it ever asked for an event: its cold start failed.
            StartingEnded(environment.LogicalId);
        }

        environment.Init?.Dispose();
        if (!_stopping)
        {
            LogExited(environment.LogicalId, environment.Number, environment.Process.ExitCode);
        }

        environment.Process.Dispose();
    }

    private async Task PipeAsync(StreamReader output, LambdaFunctionDefinition definition, int number, bool isError)
    {
        var toStandardOutput = options.Value.Bootstrap.OutputToStandardOutput;
        try
        {
            while (await output.ReadLineAsync() is { } line)
            {
                if (toStandardOutput)
                {
                    console.Write(new ExecutionEnvironmentOutput(definition.LogicalId, number, isError, line));
                }
                else
                {
                    LogOutput(isError ? LogLevel.Warning : LogLevel.Information, definition.FunctionName, number, line);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process is gone.
        }
    }

    /// <summary>Environments end as soon as LocalCloud begins to stop, so that the server need not wait for their long polls.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() => KillAll());
        return Task.CompletedTask;
    }

    /// <summary>Ends every environment LocalCloud started, with the processes they started, and waits for them.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var environment in KillAll())
        {
            try
            {
                await environment.Process.WaitForExitAsync(cancellationToken);
            }
            catch (InvalidOperationException)
            {
                // Disposed when it exited.
            }
            catch (OperationCanceledException)
            {
                // The host stops waiting: the process was killed, and the system reaps it.
                return;
            }
        }
    }

    private List<LaunchedEnvironment> KillAll()
    {
        _stopping = true;
        var running = _environments.Values.ToList();
        foreach (var environment in running)
        {
            try
            {
                environment.Process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It has exited already.
            }
        }

        return running;
    }

    private sealed class LaunchedEnvironment(string logicalId, int number, Process process, Activity? init)
    {
        private int _ready;

        public string LogicalId { get; } = logicalId;

        public int Number { get; } = number;

        public Process Process { get; } = process;

        public Activity? Init { get; } = init;

        /// <summary>True the first time only: the environment is past its init (it polled, or it exited with <paramref name="failure"/>).</summary>
        public bool MarkReady(string? failure = null)
        {
            if (Interlocked.Exchange(ref _ready, 1) != 0)
            {
                return false;
            }

            if (failure is not null)
            {
                Init?.SetStatus(ActivityStatusCode.Error, failure);
            }

            Init?.Stop();

            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started execution environment {Number} of {FunctionName} (process {ProcessId})")]
    private partial void LogLaunched(string functionName, int number, int processId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not start an execution environment of {FunctionName} with {Command}")]
    private partial void LogLaunchFailed(Exception exception, string functionName, string command);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Execution environment {Number} of {LogicalId} exited with code {ExitCode}")]
    private partial void LogExited(string logicalId, int number, int exitCode);

    [LoggerMessage(Message = "{FunctionName} environment {Number}: {Line}")]
    private partial void LogOutput(LogLevel level, string functionName, int number, string line);
}
