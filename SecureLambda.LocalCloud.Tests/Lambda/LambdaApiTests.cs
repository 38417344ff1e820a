using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Lambda;
using SecureLambda.LocalCloud.Provisioning;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Lambda;

/// <summary>The Runtime API and the Invoke API over HTTP, as a function process and the AWS CLI use them.</summary>
public sealed class LambdaApiTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly LambdaFunctionDefinition Echo =
        new("EchoFunction", "secure-lambda-Echo", "arn:aws:lambda:us-east-1:123456789012:function:secure-lambda-Echo", TimeSpan.FromSeconds(5));

    private static readonly LambdaFunctionDefinition Configured = Echo with
    {
        Handler = "external",
        Runtime = "provided.al2023",
        MemorySize = 256,
        Role = "arn:aws:iam::123456789012:role/secure-lambda-EchoRole",
        Environment = new Dictionary<string, string> { ["GREETER_NAME"] = "Echo", ["TOPIC_SECRET_ID"] = "arn:aws:secretsmanager:us-east-1:123456789012:secret:topic-AbCdEf" },
    };

    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("EchoFunction")]
    [InlineData("secure-lambda-Echo")]
    public async Task RuntimeApi_ServesTheFunctionUnderItsLogicalIdOrName_WithTheLambdaHeaders(string prefix)
    {
        await using var host = await LocalLambdaHost.StartAsync([Echo]);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix(prefix), payload => payload.GetRawText());
        using var http = host.SignedClient();

        using var response = await http.PostAsync(new Uri("/2015-03-31/functions/secure-lambda-Echo/invocations", UriKind.Relative), new StringContent("{\"n\":1}"), _cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"n\":1}", await response.Content.ReadAsStringAsync(_cancellation));
        Assert.Equal("$LATEST", response.Headers.GetValues("X-Amz-Executed-Version").Single());
        Assert.Contains(runtime.LastHeaders, h => h.Name == "Lambda-Runtime-Invoked-Function-Arn" && h.Value == Echo.Arn);
        Assert.Contains(runtime.LastHeaders, h => h.Name == "Lambda-Runtime-Trace-Id" && h.Value.StartsWith("Root=1-", StringComparison.Ordinal) && h.Value.Contains(";Parent=", StringComparison.Ordinal));
        Assert.Contains(runtime.LastHeaders, h => h.Name == "Lambda-Runtime-Deadline-Ms" && long.Parse(h.Value, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task InvokeApi_MarksAFunctionErrorWithXAmzFunctionError_AndStill200()
    {
        await using var host = await LocalLambdaHost.StartAsync([Echo]);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("EchoFunction"), _ => null);
        using var http = host.SignedClient();

        using var response = await http.PostAsync(new Uri("/2015-03-31/functions/EchoFunction/invocations", UriKind.Relative), new StringContent("{}"), _cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal("TestFailure", JsonDocument.Parse(await response.Content.ReadAsStringAsync(_cancellation)).RootElement.GetProperty("errorType").GetString());
    }

    [Fact]
    public async Task InvokeApi_Answers404ResourceNotFound_ForAnUnknownFunction()
    {
        await using var host = await LocalLambdaHost.StartAsync([Echo]);
        using var http = host.SignedClient();

        using var response = await http.PostAsync(new Uri("/2015-03-31/functions/nope/invocations", UriKind.Relative), new StringContent("{}"), _cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ResourceNotFoundException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("Function not found: nope", JsonDocument.Parse(await response.Content.ReadAsStringAsync(_cancellation)).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task InvokeApi_DryRunIs204_AndEventIs202ThenDelivered()
    {
        await using var host = await LocalLambdaHost.StartAsync([Echo]);
        var delivered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("EchoFunction"), payload =>
        {
            delivered.TrySetResult(payload.GetRawText());
            return "null";
        });
        using var http = host.SignedClient();

        using var dryRun = new HttpRequestMessage(HttpMethod.Post, "/2015-03-31/functions/EchoFunction/invocations") { Content = new StringContent("{}") };
        dryRun.Headers.Add("X-Amz-Invocation-Type", "DryRun");
        using var dryRunResponse = await http.SendAsync(dryRun, _cancellation);
        using var asyncEvent = new HttpRequestMessage(HttpMethod.Post, "/2015-03-31/functions/EchoFunction/invocations") { Content = new StringContent("{\"async\":1}") };
        asyncEvent.Headers.Add("X-Amz-Invocation-Type", "Event");
        using var eventResponse = await http.SendAsync(asyncEvent, _cancellation);

        Assert.Equal(HttpStatusCode.NoContent, dryRunResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, eventResponse.StatusCode);
        Assert.Equal("{\"async\":1}", await delivered.Task.WaitAsync(Timeout, _cancellation));
        Assert.Equal(1, runtime.Events);
    }

    [Fact]
    public async Task RuntimeApi_Refuses400_AnAnswerForAnUnknownRequest()
    {
        await using var host = await LocalLambdaHost.StartAsync([Echo]);
        using var http = host.SignedClient();

        using var response = await http.PostAsync(new Uri($"/{host.RuntimePrefix("EchoFunction")}/2018-06-01/runtime/invocation/not-a-request/response", UriKind.Relative), new StringContent("{}"), _cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidRequestID", JsonDocument.Parse(await response.Content.ReadAsStringAsync(_cancellation)).RootElement.GetProperty("errorType").GetString());
    }

    [Fact]
    public async Task AwsCli_LambdaInvoke_GetsTheFunctionsResponse()
    {
        await using var host = await LocalLambdaHost.StartAsync([Echo]);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("EchoFunction"), payload =>
            $"{{\"greeting\":\"Hello {payload.GetProperty("name").GetString()}\"}}");
        var outFile = Path.Combine(Path.GetTempPath(), $"lambda-invoke-{Guid.NewGuid():N}.json");
        var payloadFile = Path.Combine(Path.GetTempPath(), $"lambda-payload-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(payloadFile, "{\"name\":\"Ada\"}", _cancellation);
        try
        {
            // fileb:// reads the payload as bytes in both CLI v1 and v2 (v2 would take a plain --payload as base64).
            var result = await AwsCli.RunAsync(
                "lambda", "invoke", "--endpoint-url", host.Address.ToString().TrimEnd('/'), "--function-name", "secure-lambda-Echo",
                "--payload", $"fileb://{payloadFile}", outFile);

            Assert.Equal(200, result.GetProperty("StatusCode").GetInt32());
            Assert.Equal("$LATEST", result.GetProperty("ExecutedVersion").GetString());
            Assert.False(result.TryGetProperty("FunctionError", out _));
            Assert.Equal("{\"greeting\":\"Hello Ada\"}", await File.ReadAllTextAsync(outFile, _cancellation));
        }
        finally
        {
            File.Delete(outFile);
            File.Delete(payloadFile);
        }
    }

    [Fact]
    public async Task AwsCli_LambdaInvoke_ReportsFunctionErrorUnhandled()
    {
        await using var host = await LocalLambdaHost.StartAsync([Echo]);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("EchoFunction"), _ => null);
        var outFile = Path.Combine(Path.GetTempPath(), $"lambda-invoke-{Guid.NewGuid():N}.json");
        try
        {
            var result = await AwsCli.RunAsync(
                "lambda", "invoke", "--endpoint-url", host.Address.ToString().TrimEnd('/'), "--function-name", Echo.Arn, outFile);

            Assert.Equal("Unhandled", result.GetProperty("FunctionError").GetString());
            Assert.Contains("TestFailure", await File.ReadAllTextAsync(outFile, Encoding.UTF8, _cancellation), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(outFile);
        }
    }

    /// <summary>
    /// What a process that runs the function needs, from the stack: https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionConfiguration.html,
    /// read with the AWS CLI, by name and by ARN.
    /// </summary>
    [Theory]
    [InlineData("secure-lambda-Echo")]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:function:secure-lambda-Echo")]
    public async Task AwsCli_LambdaGetFunctionConfiguration_DescribesTheFunctionAsTheStackDefinesIt(string function)
    {
        await using var host = await LocalLambdaHost.StartAsync([Configured]);

        var configuration = await AwsCli.RunAsync(
            "lambda", "get-function-configuration", "--endpoint-url", host.Address.ToString().TrimEnd('/'), "--function-name", function);

        Assert.Equal("secure-lambda-Echo", configuration.GetProperty("FunctionName").GetString());
        Assert.Equal(Echo.Arn, configuration.GetProperty("FunctionArn").GetString());
        Assert.Equal("external", configuration.GetProperty("Handler").GetString());
        Assert.Equal("provided.al2023", configuration.GetProperty("Runtime").GetString());
        Assert.Equal(Configured.Role, configuration.GetProperty("Role").GetString());
        Assert.Equal(5, configuration.GetProperty("Timeout").GetInt32());
        Assert.Equal(256, configuration.GetProperty("MemorySize").GetInt32());
        Assert.Equal("$LATEST", configuration.GetProperty("Version").GetString());
        Assert.Equal("Active", configuration.GetProperty("State").GetString());
        var variables = configuration.GetProperty("Environment").GetProperty("Variables");
        Assert.Equal(Configured.Environment, variables.EnumerateObject().ToDictionary(v => v.Name, v => v.Value.GetString()!));
    }

    [Fact]
    public async Task AwsCli_LambdaGetFunctionConfiguration_OfAnUnknownFunction_IsResourceNotFound()
    {
        await using var host = await LocalLambdaHost.StartAsync([Configured]);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => AwsCli.RunAsync(
            "lambda", "get-function-configuration", "--endpoint-url", host.Address.ToString().TrimEnd('/'), "--function-name", "nope"));

        Assert.Contains("ResourceNotFoundException", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Function not found: nope", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>The environment names the account's secret: a caller without the account's credentials reads none of it.</summary>
    [Fact]
    public async Task ReadAFunctionsEnvironment_WithoutSigning_IsRefused403_AndShowsNothingOfIt()
    {
        await using var host = await LocalLambdaHost.StartAsync([Configured]);
        using var http = new HttpClient { BaseAddress = host.Address };

        using var response = await http.GetAsync(new Uri("/2015-03-31/functions/secure-lambda-Echo/configuration", UriKind.Relative), _cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        var body = await response.Content.ReadAsStringAsync(_cancellation);
        Assert.DoesNotContain("TOPIC_SECRET_ID", body, StringComparison.Ordinal);
        Assert.DoesNotContain("secretsmanager", body, StringComparison.Ordinal);
    }

    /// <summary>Our own client, as the AppHost uses it to start each function's process: by name and by ARN (its ':' encoded).</summary>
    [Theory]
    [InlineData("secure-lambda-Echo")]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:function:secure-lambda-Echo")]
    public async Task LambdaClient_GetFunctionConfiguration_ReadsTheEnvironment(string function)
    {
        await using var host = await LocalLambdaHost.StartAsync([Configured]);
        using var http = new HttpClient();
        var client = new Aws.Lambda.LambdaClient(http, ClientContextFor(host));

        var configuration = await client.GetFunctionConfigurationAsync(function, _cancellation);

        Assert.Equal(("secure-lambda-Echo", "external", 256, 5), (configuration.FunctionName, configuration.Handler, configuration.MemorySize, configuration.Timeout));
        Assert.Equal(Configured.Environment, configuration.Variables);
    }

    [Fact]
    public async Task LambdaClient_GetFunctionConfiguration_OfAnUnknownFunction_ThrowsResourceNotFound()
    {
        await using var host = await LocalLambdaHost.StartAsync([Configured]);
        using var http = new HttpClient();
        var client = new Aws.Lambda.LambdaClient(http, ClientContextFor(host));

        var refused = await Assert.ThrowsAsync<Aws.Core.AwsServiceException>(() => client.GetFunctionConfigurationAsync("nope", _cancellation));

        Assert.Equal(("ResourceNotFoundException", HttpStatusCode.NotFound), (refused.ErrorCode, refused.StatusCode));
        Assert.Equal("Function not found: nope", refused.AwsMessage);
    }

    /// <summary>
    /// In AWS a function exists once its own resource is created, not once its whole stack is: while the stack is still
    /// being provisioned, GetFunctionConfiguration waits for a function that is not created yet, and describes it as
    /// soon as it is, so that its process starts while the slower resources are still being made.
    /// </summary>
    [Fact]
    public async Task WhileTheStackIsStillProvisioned_AFunction_IsDescribedOnceItsOwnResourceIsCreated()
    {
        await using var host = await LocalLambdaHost.StartAsync([], publishDataPlane: false);
        var progress = host.Services.GetRequiredService<ProvisioningProgress>();
        progress.Began();
        using var http = new HttpClient();
        var client = new Aws.Lambda.LambdaClient(http, ClientContextFor(host));

        var asked = client.GetFunctionConfigurationAsync("secure-lambda-Echo", _cancellation);
        progress.Provisioned(FunctionResource(Configured) with { LogicalId = "OtherFunction", PhysicalId = "secure-lambda-Other" });
        await Task.Delay(TimeSpan.FromMilliseconds(200), _cancellation);
        var waitedForItsOwn = !asked.IsCompleted;
        progress.Provisioned(FunctionResource(Configured));
        var configuration = await asked.WaitAsync(Timeout, _cancellation);

        Assert.True(waitedForItsOwn, "GetFunctionConfiguration answered before the function was created.");
        Assert.Equal(("secure-lambda-Echo", "external", 256, 5), (configuration.FunctionName, configuration.Handler, configuration.MemorySize, configuration.Timeout));
        Assert.Equal(Configured.Environment, configuration.Variables);
    }

    /// <summary>A function's resource as provisioning records it, with the properties <paramref name="function"/> reads from it.</summary>
    private static ProvisionedResource FunctionResource(LambdaFunctionDefinition function) => new(
        function.LogicalId,
        "AWS::Lambda::Function",
        function.FunctionName,
        new System.Text.Json.Nodes.JsonObject
        {
            ["Handler"] = function.Handler,
            ["Runtime"] = function.Runtime,
            ["Role"] = function.Role,
            ["MemorySize"] = function.MemorySize,
            ["Timeout"] = function.Timeout.TotalSeconds,
            ["Environment"] = new System.Text.Json.Nodes.JsonObject
            {
                ["Variables"] = new System.Text.Json.Nodes.JsonObject(function.Environment.Select(variable =>
                    KeyValuePair.Create(variable.Key, (System.Text.Json.Nodes.JsonNode?)variable.Value))),
            },
        },
        new Dictionary<string, System.Text.Json.Nodes.JsonNode> { ["Arn"] = function.Arn });

    private static Aws.Core.AwsClientContext ClientContextFor(LocalLambdaHost host)
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_LAMBDA"] = host.Address.ToString().TrimEnd('/'),
            ["AWS_REGION"] = MotoServer.Region,
            ["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretAccessKey,
        };
        return Aws.Core.AwsClientContext.FromEnvironment(name => environment.GetValueOrDefault(name));
    }
}
