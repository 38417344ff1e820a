using System.Net;
using System.Text;
using System.Text.Json;
using SecureLambda.LocalCloud.Faults;
using SecureLambda.LocalCloud.Tests.ApiGateway;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Faults;

/// <summary>
/// Fault rules through the AWS endpoint's <c>/_localcloud/faults</c>, against the whole LocalCloud in front of moto:
/// the AWS CLI sees each injected error as the service's own, in the service's protocol; a Lambda rule fails the
/// function's invocations without the function ever running. The rules belong to this class's LocalCloud and are
/// cleared before and after every test, and each test's rules match only what it calls.
/// </summary>
public sealed class FaultInjectionTests(LocalCloudApp app) : IClassFixture<LocalCloudApp>, IAsyncLifetime
{
    private const string SecretName = "LambdaSNSTopicARN";

    /// <summary>One attempt: the CLI retries a throttle, and the test is about what one call gets.</summary>
    private static readonly Dictionary<string, string> OneAttempt = new() { ["AWS_MAX_ATTEMPTS"] = "1", ["AWS_RETRY_MODE"] = "standard" };

    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;
    private readonly HttpClient _http = new() { BaseAddress = app.AwsEndpoint };

    private string Endpoint => app.AwsEndpoint.ToString().TrimEnd('/');

    public async ValueTask InitializeAsync() => await ClearAsync();

    public async ValueTask DisposeAsync()
    {
        await ClearAsync();
        _http.Dispose();
    }

    /// <summary>https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html (ThrottlingException)</summary>
    [Fact]
    public async Task GetSecretValue_UnderAThrottlingRule_FailsInTheAwsCli_WithThrottlingException_OtherOperationsDoNot()
    {
        await PutAsync("""[{"service":"secretsmanager","operation":"GetSecretValue","error":{"statusCode":400,"code":"ThrottlingException","message":"Rate exceeded"}}]""");

        var administrator = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AwsCli.RunAsync(OneAttempt, ["--endpoint-url", Endpoint, "secretsmanager", "get-secret-value", "--secret-id", SecretName]));
        var function = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AwsCli.RunAsync(new Dictionary<string, string>(OneAttempt.Concat(app.Server.AwsEnvironmentFor("ExternalLambda1")).Where(entry => entry.Key != "AWS_ENDPOINT_URL")),
                ["--endpoint-url", Endpoint, "secretsmanager", "get-secret-value", "--secret-id", SecretName]));
        var described = await AwsCli.RunAsync("--endpoint-url", Endpoint, "secretsmanager", "describe-secret", "--secret-id", SecretName);

        Assert.Contains("(ThrottlingException) when calling the GetSecretValue operation", administrator.Message, StringComparison.Ordinal);
        Assert.Contains("Rate exceeded", administrator.Message, StringComparison.Ordinal);
        Assert.Contains("(ThrottlingException) when calling the GetSecretValue operation", function.Message, StringComparison.Ordinal);
        Assert.Equal(SecretName, described.GetProperty("Name").GetString());
    }

    /// <summary>The Query protocol's error: <c>&lt;Error&gt;&lt;Code&gt;</c> (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html).</summary>
    [Fact]
    public async Task Publish_UnderAThrottleRule_IsRefusedInTheQueryProtocol()
    {
        await PutAsync("""[{"service":"sns","operation":"Publish","error":{"statusCode":429,"code":"Throttled","message":"Rate exceeded"}}]""");
        using var sns = new HttpClient(new SigV4SigningHandler(service: "sns")) { BaseAddress = app.AwsEndpoint };

        var cli = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AwsCli.RunAsync(OneAttempt, ["--endpoint-url", Endpoint, "sns", "publish", "--topic-arn", TopicArn, "--message", "Ada"]));
        using var response = await sns.PostAsync(new Uri("/", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Action"] = "Publish", ["TopicArn"] = TopicArn, ["Message"] = "Ada", ["Version"] = "2010-03-31",
        }), _cancellation);
        var body = await response.Content.ReadAsStringAsync(_cancellation);

        Assert.Contains("(Throttled) when calling the Publish operation", cli.Message, StringComparison.Ordinal);
        Assert.Contains("Rate exceeded", cli.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Contains("<Code>Throttled</Code>", body, StringComparison.Ordinal);
        Assert.DoesNotContain("MessageId", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALatencyOnlyRule_DelaysTheCallOnLocalCloudsClock_AndItStillSucceeds()
    {
        await PutAsync("""[{"service":"secretsmanager","operation":"DescribeSecret","latencyMs":3000}]""");
        using var secrets = new HttpClient(new SigV4SigningHandler(service: "secretsmanager")) { BaseAddress = app.AwsEndpoint };
        var started = app.Clock.GetUtcNow();

        var call = secrets.SendAsync(SecretsCall("DescribeSecret"), _cancellation);
        // LocalCloud's clock is the fixture's fake: the call answers only once it has moved the rule's latency on. The
        // delay's timer may not exist yet when the clock first moves, so the clock moves a second at a time until the
        // call is answered, for a minute at most.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (!call.IsCompleted)
        {
            try
            {
                await call.WaitAsync(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
            catch (TimeoutException)
            {
                app.Clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        using var response = await call;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(SecretName, await response.Content.ReadAsStringAsync(_cancellation), StringComparison.Ordinal);
        Assert.True(app.Clock.GetUtcNow() - started >= TimeSpan.FromSeconds(3), "The call was answered before its latency had passed.");
    }

    [Fact]
    public async Task Delete_ClearsTheRules_AndTheCallsSucceedAgain()
    {
        await PutAsync("""[{"service":"secretsmanager","operation":"GetSecretValue","error":{"code":"ThrottlingException"}}]""");
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AwsCli.RunAsync(OneAttempt, ["--endpoint-url", Endpoint, "secretsmanager", "get-secret-value", "--secret-id", SecretName]));

        using var deleted = await _http.DeleteAsync(new Uri(FaultsEndpoints.Path, UriKind.Relative), _cancellation);
        var secret = await AwsCli.RunAsync(OneAttempt, ["--endpoint-url", Endpoint, "secretsmanager", "get-secret-value", "--secret-id", SecretName]);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Contains(TopicArn, secret.GetProperty("SecretString").GetString(), StringComparison.Ordinal);
        Assert.Equal("[]", await GetAsync());
    }

    [Fact]
    public async Task Get_ListsTheRules_WithTheirDefaultsFilledIn_AndPostAppends()
    {
        await PutAsync("""[{"service":"secretsmanager","operation":"GetSecretValue","error":{"code":"ThrottlingException"}}]""");

        using var appended = await SendAsync(HttpMethod.Post, """[{"service":"lambda","function":"InternalLambda","error":{"code":"Runtime.ExitError"},"probability":0.5}]""");

        Assert.Equal(HttpStatusCode.OK, appended.StatusCode);
        const string Expected = """[{"service":"secretsmanager","operation":"GetSecretValue","error":{"statusCode":400,"code":"ThrottlingException","message":"Rate exceeded"},"probability":1,"latencyMs":0},{"service":"lambda","function":"InternalLambda","error":{"code":"Runtime.ExitError","message":"Runtime.ExitError (a fault injected by LocalCloud)"},"probability":0.5,"latencyMs":0}]""";
        Assert.Equal(Expected, await appended.Content.ReadAsStringAsync(_cancellation));
        Assert.Equal(Expected, await GetAsync());
    }

    /// <summary>A web page can POST a form or text/plain without a preflight, but not JSON: no page can set the rules.</summary>
    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task ChangingTheRules_WithoutAJsonContentType_Is415_AndTheRulesStay(string? contentType)
    {
        await PutAsync("""[{"service":"sqs","operation":"SendMessage","latencyMs":10}]""");
        var before = await GetAsync();

        foreach (var method in (HttpMethod[])[HttpMethod.Put, HttpMethod.Post])
        {
            using var request = new HttpRequestMessage(method, FaultsEndpoints.Path) { Content = new ByteArrayContent("[]"u8.ToArray()) };
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            using var response = await _http.SendAsync(request, _cancellation);

            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }

        Assert.Equal(before, await GetAsync());
    }

    [Fact]
    public async Task BadRules_Are400_NamingTheRuleAndField_AndTheOldRulesStay()
    {
        await PutAsync("""[{"service":"sqs","operation":"SendMessage","latencyMs":10}]""");
        var before = await GetAsync();

        using var response = await SendAsync(HttpMethod.Put, """[{"service":"sns","latencyMs":5},{"service":"sns","error":{"code":"Throttled","statusCode":99}}]""");
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_cancellation)).RootElement;
        using var notJson = await SendAsync(HttpMethod.Put, "[{");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationException", error.GetProperty("__type").GetString());
        Assert.Equal("rule 1, field error.statusCode: must be a whole number from 400 to 599.", error.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(before, await GetAsync());
    }

    /// <summary>The rules are the AWS endpoint's: the API's host serves stages, not them.</summary>
    [Fact]
    public async Task TheApiHost_DoesNotServeTheRules()
    {
        using var api = new HttpClient { BaseAddress = app.Address };

        using var response = await api.PutAsync(new Uri(FaultsEndpoints.Path, UriKind.Relative),
            new StringContent("""[{"service":"sns","latencyMs":5}]""", Encoding.UTF8, "application/json"), _cancellation);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[]", await GetAsync());
    }

    /// <summary>A crash answers as a crashing function does: API Gateway's 502 (https://docs.aws.amazon.com/apigateway/latest/developerguide/handle-errors-in-lambda-integration.html).</summary>
    [Fact]
    public async Task ACrashRuleOnAFunction_IsTheGateways502_AndTheFunctionNeverSeesTheEvent()
    {
        await PutAsync("""[{"service":"lambda","function":"ExternalLambda1","error":{"code":"Runtime.ExitError","message":"Runtime exited with error: exit status 1"}}]""");
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");
        var before = app.Lambda1.Events;

        using var response = await app.PostAsync("/development/lambda1", token);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(before, app.Lambda1.Events);
    }

    /// <summary>A function error is still 200 with <c>X-Amz-Function-Error</c> (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).</summary>
    [Fact]
    public async Task ACrashRule_IsAFunctionErrorOnTheInvokeApi_WithTheRulesErrorDocument()
    {
        await PutAsync("""[{"service":"lambda","operation":"Invoke","function":"ExternalLambda2","error":{"code":"Runtime.ExitError","message":"Runtime exited with error: exit status 1"}}]""");
        var before = app.Lambda2.Events;
        var output = Path.Combine(Path.GetTempPath(), $"invoke-{Guid.NewGuid():N}.json");
        try
        {
            var invoked = await AwsCli.RunAsync("--endpoint-url", Endpoint, "lambda", "invoke", "--function-name", "ExternalLambda2", "--payload", "{}", output);
            var document = JsonDocument.Parse(await File.ReadAllTextAsync(output, _cancellation)).RootElement;

            Assert.Equal(200, invoked.GetProperty("StatusCode").GetInt32());
            Assert.Equal("Unhandled", invoked.GetProperty("FunctionError").GetString());
            Assert.Equal("Runtime.ExitError", document.GetProperty("errorType").GetString());
            Assert.Equal("Runtime exited with error: exit status 1", document.GetProperty("errorMessage").GetString());
            Assert.Equal(before, app.Lambda2.Events);
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>Lambda's own throttle: 429 <c>TooManyRequestsException</c> (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors).</summary>
    [Fact]
    public async Task AServiceErrorRule_IsTheInvokeApisAnswer()
    {
        await PutAsync("""[{"service":"lambda","operation":"Invoke","function":"ExternalLambda2","error":{"statusCode":429,"code":"TooManyRequestsException"}}]""");
        var before = app.Lambda2.Events;
        var output = Path.Combine(Path.GetTempPath(), $"invoke-{Guid.NewGuid():N}.json");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AwsCli.RunAsync(OneAttempt, ["--endpoint-url", Endpoint, "lambda", "invoke", "--function-name", "ExternalLambda2", output]));

        Assert.Contains("(TooManyRequestsException) when calling the Invoke operation", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Rate exceeded", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Equal(before, app.Lambda2.Events);
    }

    private string TopicArn => app.Outputs.GetProperty("TopicArn").GetString()!;

    private static HttpRequestMessage SecretsCall(string operation) => new(HttpMethod.Post, "/")
    {
        Content = new StringContent($"{{\"SecretId\":\"{SecretName}\"}}", Encoding.UTF8, "application/x-amz-json-1.1"),
        Headers = { { "X-Amz-Target", $"secretsmanager.{operation}" } },
    };

    private async Task PutAsync(string rules)
    {
        using var response = await SendAsync(HttpMethod.Put, rules);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(_cancellation));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string rules) =>
        await _http.SendAsync(new HttpRequestMessage(method, FaultsEndpoints.Path) { Content = new StringContent(rules, Encoding.UTF8, "application/json") }, _cancellation);

    private async Task<string> GetAsync() => await _http.GetStringAsync(new Uri(FaultsEndpoints.Path, UriKind.Relative), _cancellation);

    private async Task ClearAsync()
    {
        using var response = await _http.DeleteAsync(new Uri(FaultsEndpoints.Path, UriKind.Relative), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
