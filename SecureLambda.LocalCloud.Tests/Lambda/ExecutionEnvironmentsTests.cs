using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Diagnostics;
using SecureLambda.LocalCloud.Lambda;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Lambda;

/// <summary>
/// Lambda's execution environments: started on demand, up to the function's bound, each told only what Lambda tells
/// its function; and the function's reserved concurrency, past which Lambda throttles.
/// https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
/// https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
/// </summary>
public sealed class ExecutionEnvironmentsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static readonly LambdaFunctionDefinition Greeter = new("Greeter", "secure-lambda-Greeter", "arn:aws:lambda:us-east-1:123456789012:function:secure-lambda-Greeter", TimeSpan.FromSeconds(30))
    {
        Handler = "external",
        Environment = new Dictionary<string, string> { ["GREETER_NAME"] = "Greeter" },
    };

    private static readonly LambdaFunctionDefinition Other = new("Other", "secure-lambda-Other", "arn:aws:lambda:us-east-1:123456789012:function:secure-lambda-Other", TimeSpan.FromSeconds(30));

    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    /// <summary>
    /// The attack: code running in one function's environment reads its own environment to find another function's
    /// Runtime API secret or role credentials, or LocalCloud's own settings. Each environment gets what Lambda gives a
    /// function, and nothing else; and no more environments start than the function's bound.
    /// </summary>
    [Fact]
    public async Task AnEnvironment_ReadsNoOtherFunctionsSecretOrCredentials_AndNoMoreStartThanTheBound()
    {
        using var folder = new TemporaryFile("environments");
        Directory.CreateDirectory(folder.Path);
        var settings = new Dictionary<string, string?>
        {
            // A bootstrap that writes down what it was given and never polls, so every event keeps waiting.
            ["LocalCloud:Lambda:Bootstrap:Command"] = "/bin/sh",
            ["LocalCloud:Lambda:Bootstrap:Arguments:0"] = "-c",
            ["LocalCloud:Lambda:Bootstrap:Arguments:1"] = $"env > {folder.Path}/$$.env; exec sleep 60",
            ["LocalCloud:Lambda:Environments:Greeter"] = "2",
            ["LocalCloud:Lambda:RuntimeApiSecrets:Other"] = "0123456789abcdef0123456789abcdef",
            ["LocalCloud:Lambda:Credentials:Greeter:AccessKeyId"] = "ASIAGREETER",
            ["LocalCloud:Lambda:Credentials:Greeter:SecretAccessKey"] = "greeter-secret",
            ["LocalCloud:Lambda:Credentials:Greeter:SessionToken"] = "greeter-token",
            ["LocalCloud:Lambda:Credentials:Other:AccessKeyId"] = "ASIAOTHER",
            ["LocalCloud:Lambda:Credentials:Other:SecretAccessKey"] = "other-secret",
            ["LocalCloud:Lambda:Credentials:Other:SessionToken"] = "other-token",
        };
        await using var host = await LocalLambdaHost.StartAsync([Greeter, Other], settings: settings);
        using var http = host.SignedClient();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_cancellation);
        var invocations = Enumerable.Range(0, 3)
            .Select(_ => http.PostAsync(new Uri("/2015-03-31/functions/secure-lambda-Greeter/invocations", UriKind.Relative), new StringContent("{}"), stop.Token))
            .ToList();
        var environments = host.Services.GetRequiredService<ExecutionEnvironments>();
        var greeter = (await host.Services.GetRequiredService<LambdaFunctions>().FindAsync("Greeter", _cancellation))!;

        await Eventually(() => Directory.GetFiles(folder.Path, "*.env").Length == 2 && greeter.Status.QueuedInvocations == 3);
        // Three events wait, and no environment ever takes one: still only the bound's two environments run.
        await Task.Delay(LocalFunction.EnvironmentGrace * 4, _cancellation);
        Assert.Equal(2, environments.Running("Greeter"));

        var given = Directory.GetFiles(folder.Path, "*.env").Select(Variables).ToList();
        Assert.Equal(2, given.Select(variables => variables["AWS_LAMBDA_RUNTIME_API"]).Distinct(StringComparer.Ordinal).Count());
        foreach (var variables in given)
        {
            Assert.DoesNotContain(variables.Keys, name => !IsLambdasOwn(name) && name is not ("GREETER_NAME" or "PWD" or "SHLVL" or "_"));
            Assert.Equal("external", variables["_HANDLER"]);
            Assert.Equal("Greeter", variables["GREETER_NAME"]);
            Assert.Equal("secure-lambda-Greeter", variables["AWS_LAMBDA_FUNCTION_NAME"]);
            Assert.Equal(("ASIAGREETER", "greeter-secret", "greeter-token"), (variables["AWS_ACCESS_KEY_ID"], variables["AWS_SECRET_ACCESS_KEY"], variables["AWS_SESSION_TOKEN"]));
            Assert.StartsWith($"127.0.0.1:{host.Address.Port}/Greeter/", variables["AWS_LAMBDA_RUNTIME_API"], StringComparison.Ordinal);
            var everything = string.Join('\n', variables.Select(variable => $"{variable.Key}={variable.Value}"));
            Assert.DoesNotContain("other-secret", everything, StringComparison.Ordinal);
            Assert.DoesNotContain("0123456789abcdef0123456789abcdef", everything, StringComparison.Ordinal);
            Assert.DoesNotContain(variables.Keys, name => name.Contains("LocalCloud", StringComparison.OrdinalIgnoreCase));
        }

        await stop.CancelAsync();
        await Task.WhenAll(invocations).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>The host's own environment of a function (the AppHost's process) counts in its bound before it first polls: none starts in its place.</summary>
    [Fact]
    public async Task AFunctionPinnedToTheHostsOneEnvironment_StartsNoOther_WhileThatOneIsStillStarting()
    {
        var settings = new Dictionary<string, string?>
        {
            ["LocalCloud:Lambda:Bootstrap:Command"] = "/bin/sh",
            ["LocalCloud:Lambda:Bootstrap:Arguments:0"] = "-c",
            ["LocalCloud:Lambda:Bootstrap:Arguments:1"] = "exec sleep 60",
            ["LocalCloud:Lambda:Bootstrap:HostedEnvironments"] = "1",
            ["LocalCloud:Lambda:Environments:Greeter"] = "1",
            ["LocalCloud:Lambda:Environments:Other"] = "2",
        };
        await using var host = await LocalLambdaHost.StartAsync([Greeter, Other], settings: settings);
        using var http = host.SignedClient();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_cancellation);
        var invocations = (string[])["secure-lambda-Greeter", "secure-lambda-Other"];
        var sent = invocations.Select(name => http.PostAsync(new Uri($"/2015-03-31/functions/{name}/invocations", UriKind.Relative), new StringContent("{}"), stop.Token)).ToList();
        var environments = host.Services.GetRequiredService<ExecutionEnvironments>();

        // The function with room for one more starts it; the pinned one starts none.
        await Eventually(() => environments.Running("Other") == 1);
        Assert.Equal(0, environments.Running("Greeter"));

        await stop.CancelAsync();
        await Task.WhenAll(sent).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>A bootstrap that is not there: the invocation ends as one no environment took, and nothing is left running.</summary>
    [Fact]
    public async Task ABootstrapThatDoesNotExist_LeavesTheInvocationUntaken_AndStartsNothing()
    {
        var quick = Other with { Timeout = TimeSpan.FromSeconds(1) };
        var settings = new Dictionary<string, string?> { ["LocalCloud:Lambda:Bootstrap:Command"] = "/nonexistent/bootstrap" };
        await using var host = await LocalLambdaHost.StartAsync([quick], settings: settings);
        using var http = host.SignedClient();

        using var response = await http.PostAsync(new Uri("/2015-03-31/functions/secure-lambda-Other/invocations", UriKind.Relative), new StringContent("{}"), _cancellation);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("ResourceNotReadyException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal(0, host.Services.GetRequiredService<ExecutionEnvironments>().Running("Other"));
    }

    /// <summary>An environment's secret is its own: it admits that environment to its function's Runtime API only.</summary>
    [Fact]
    public async Task AnEnvironmentsSecret_OpensItsFunctionsRuntimeApi_NotAnothers_AndNothingOnceRevoked()
    {
        await using var host = await LocalLambdaHost.StartAsync([Greeter, Other]);
        var keys = host.Services.GetRequiredService<RuntimeApiKeys>();
        var secret = keys.IssueEnvironmentSecret(Greeter);
        using var http = new HttpClient { BaseAddress = host.Address };

        using (var other = await http.PostAsync(new Uri($"/Other/{secret}/2018-06-01/runtime/init/error", UriKind.Relative), new StringContent("{}"), _cancellation))
        {
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        }

        using (var own = await http.PostAsync(new Uri($"/Greeter/{secret}/2018-06-01/runtime/init/error", UriKind.Relative), new StringContent("{}"), _cancellation))
        {
            Assert.Equal(HttpStatusCode.Accepted, own.StatusCode);
        }

        keys.RevokeEnvironmentSecret("Greeter", secret);
        using var revoked = await http.PostAsync(new Uri($"/Greeter/{secret}/2018-06-01/runtime/init/error", UriKind.Relative), new StringContent("{}"), _cancellation);
        Assert.Equal(HttpStatusCode.Forbidden, revoked.StatusCode);
    }

    /// <summary>
    /// The real function binary, started by LocalCloud: the first invocation finds no environment and starts one, with
    /// a <c>Lambda Init</c> span in that invocation's trace, and the function answers.
    /// </summary>
    [Fact]
    public async Task TheFirstInvocation_StartsAnEnvironmentOfTheBinary_WithAnInitSpanInItsTrace()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LocalCloudTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var internalFunction = new LambdaFunctionDefinition("Internal", "secure-lambda-Internal", "arn:aws:lambda:us-east-1:123456789012:function:secure-lambda-Internal", TimeSpan.FromSeconds(30))
        {
            Handler = "internal",
        };
        await using var host = await LocalLambdaHost.StartAsync([internalFunction], settings: FunctionProcess.BootstrapSettings);
        using var http = host.SignedClient();

        using var response = await http.PostAsync(
            new Uri("/2015-03-31/functions/secure-lambda-Internal/invocations", UriKind.Relative),
            new StringContent("""{"Records":[{"EventSource":"aws:sns","Sns":{"Message":"{\"name\":\"Ada\"}","MessageId":"m-1"}}]}"""),
            _cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, host.Services.GetRequiredService<ExecutionEnvironments>().Running("Internal"));
        Activity[] stopped;
        lock (spans)
        {
            stopped = [.. spans];
        }

        var init = Assert.Single(stopped, span => span.DisplayName == "Lambda Init secure-lambda-Internal");
        var invoke = Assert.Single(stopped, span => span.DisplayName == "Lambda invoke secure-lambda-Internal");
        Assert.Equal(invoke.TraceId, init.TraceId);
        Assert.Equal(invoke.SpanId, init.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Unset, init.Status);
    }

    /// <summary>
    /// Past its reserved concurrency, Lambda throttles a synchronous invocation: the AWS CLI fails with
    /// TooManyRequestsException, whose body names the reason. https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors
    /// </summary>
    [Fact]
    public async Task PastItsReservedConcurrency_AnInvocationIsThrottled_TheAwsCliSeesTooManyRequestsException()
    {
        var reserved = Other with { ReservedConcurrency = 1 };
        await using var host = await LocalLambdaHost.StartAsync([reserved]);
        using var release = new ManualResetEventSlim();
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("Other"), _ =>
        {
            release.Wait(Patience);
            return "{}";
        });
        using var http = host.SignedClient();
        var first = http.PostAsync(new Uri("/2015-03-31/functions/secure-lambda-Other/invocations", UriKind.Relative), new StringContent("{}"), _cancellation);
        await Eventually(() => runtime.Events == 1);

        using var throttled = await http.PostAsync(new Uri("/2015-03-31/functions/secure-lambda-Other/invocations", UriKind.Relative), new StringContent("{}"), _cancellation);
        // One attempt: the AWS CLI would retry a throttle on its own.
        var cli = await Assert.ThrowsAnyAsync<Exception>(() => AwsCli.RunAsync(new Dictionary<string, string> { ["AWS_MAX_ATTEMPTS"] = "1" }, [
            "lambda", "invoke", "--endpoint-url", host.Address.ToString().TrimEnd('/'), "--function-name", "secure-lambda-Other", "--cli-read-timeout", "5", Path.Combine(Path.GetTempPath(), $"throttled-{Guid.NewGuid():N}.json")]));
        release.Set();
        using var answered = await first;

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.Equal("TooManyRequestsException", throttled.Headers.GetValues("x-amzn-ErrorType").Single());
        var body = JsonDocument.Parse(await throttled.Content.ReadAsStringAsync(_cancellation)).RootElement;
        Assert.Equal("ReservedFunctionConcurrentInvocationLimitExceeded", body.GetProperty("Reason").GetString());
        Assert.Equal("Rate Exceeded.", body.GetProperty("message").GetString());
        Assert.Contains("TooManyRequestsException", cli.Message, StringComparison.Ordinal);
        Assert.Equal(1, runtime.Events);
    }

    /// <summary>
    /// For a host that shows each function's output in one place (the AppHost, as Lambda sends every environment's
    /// output to the function's log group), every line an environment writes goes to LocalCloud's standard output,
    /// marked with the function and the environment, standard error as such.
    /// </summary>
    [Fact]
    public async Task WithOutputToStandardOutput_AnEnvironmentsLines_AreWrittenMarkedWithItsFunctionAndNumber()
    {
        var settings = new Dictionary<string, string?>
        {
            ["LocalCloud:Lambda:Bootstrap:Command"] = "/bin/sh",
            ["LocalCloud:Lambda:Bootstrap:Arguments:0"] = "-c",
            ["LocalCloud:Lambda:Bootstrap:Arguments:1"] = "echo '{\"message\":\"Hello {Ada}\"}'; echo 'no runtime here' >&2; exec sleep 60",
            ["LocalCloud:Lambda:Bootstrap:OutputToStandardOutput"] = "true",
            ["LocalCloud:Lambda:Environments:Greeter"] = "1",
        };
        using var standardOutput = new LineWriter();
        await using var host = await LocalLambdaHost.StartAsync([Greeter], settings: settings, standardOutput: standardOutput);
        using var http = host.SignedClient();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_cancellation);
        var invocation = http.PostAsync(new Uri("/2015-03-31/functions/secure-lambda-Greeter/invocations", UriKind.Relative), new StringContent("{}"), stop.Token);

        await Eventually(() => standardOutput.Lines.Count == 2);

        Assert.Equal(
            ["[Greeter environment 1 stderr] no runtime here", "[Greeter environment 1] {\"message\":\"Hello {Ada}\"}"],
            standardOutput.Lines.Order(StringComparer.Ordinal));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invocation);
    }

    /// <summary>The lines written to it, one by one, safe to read while they are written.</summary>
    private sealed class LineWriter : TextWriter
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void WriteLine(string? value) => Lines.Enqueue(value ?? string.Empty);
    }

    private static bool IsLambdasOwn(string name) =>
        name is "PATH" or "HOME" or "TMPDIR" or "LANG" or "LC_ALL" or "DOTNET_ROOT" or "DOTNET_ROOT_X64" or "_HANDLER" or "OTEL_SERVICE_NAME" or "OTEL_RESOURCE_ATTRIBUTES"
        || name.StartsWith("AWS_", StringComparison.Ordinal)
        || name.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal);

    private static Dictionary<string, string> Variables(string file) =>
        File.ReadAllLines(file).Where(line => line.Contains('=', StringComparison.Ordinal))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

    private async Task Eventually(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < Patience, "The condition did not come true in time.");
            await Task.Delay(25, _cancellation);
        }
    }
}
