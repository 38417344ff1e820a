using System.Net;
using System.Text;
using System.Text.Json;
using SecureLambda.Aws.Core;
using SecureLambda.LocalCloud.Tests.ApiGateway;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.AwsEndpoint;

/// <summary>
/// The stack's AWS endpoint, LocalCloud in front of moto, with the AWS CLI and signed requests: every service is
/// reached through it, a function's role session is verified as AWS verifies temporary credentials, and what AWS
/// refuses before a service sees it is refused in that service's protocol.
/// </summary>
public sealed class AwsEndpointTests(LocalCloudApp app) : IClassFixture<LocalCloudApp>
{
    private const string SecretName = "LambdaSNSTopicARN";

    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    private string Endpoint => app.AwsEndpoint.ToString().TrimEnd('/');

    /// <summary>A function's role session (through the AWS endpoint), with <paramref name="name"/> set to <paramref name="value"/> when given.</summary>
    private Dictionary<string, string> RoleSessionOf(string logicalId, string? name = null, string? value = null)
    {
        var environment = new Dictionary<string, string>(app.Server.AwsEnvironmentFor(logicalId));
        if (name is not null)
        {
            environment[name] = value!;
        }

        return environment;
    }

    [Fact]
    public async Task AwsCli_AsTheAdministrator_ReachesEveryServiceThroughTheEndpoint()
    {
        var topics = await AwsCli.RunAsync("--endpoint-url", Endpoint, "sns", "list-topics");
        var secret = await AwsCli.RunAsync("--endpoint-url", Endpoint, "secretsmanager", "describe-secret", "--secret-id", SecretName);
        var queues = await AwsCli.RunAsync("--endpoint-url", Endpoint, "sqs", "list-queues");

        Assert.Contains(topics.GetProperty("Topics").EnumerateArray(), topic => topic.GetProperty("TopicArn").GetString() == app.Outputs.GetProperty("TopicArn").GetString());
        Assert.Equal(SecretName, secret.GetProperty("Name").GetString());
        // The engine writes queue URLs from the Host it was sent, which the endpoint passes on: they name the endpoint.
        Assert.All(queues.GetProperty("QueueUrls").EnumerateArray(), url => Assert.StartsWith($"http://{app.AwsEndpoint.Authority}/", url.GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task AwsCli_WithAFunctionsRoleSession_IsServed_OnceItsSignatureAndTokenVerify()
    {
        var secret = await AwsCli.RunAsync(RoleSessionOf("ExternalLambda1"), ["--endpoint-url", Endpoint, "secretsmanager", "get-secret-value", "--secret-id", SecretName]);

        Assert.Contains(app.Outputs.GetProperty("TopicArn").GetString()!, secret.GetProperty("SecretString").GetString(), StringComparison.Ordinal);
    }

    /// <summary>https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html</summary>
    [Fact]
    public async Task ActAsAFunctionsRole_KnowingOnlyItsAccessKeyId_IsRefusedAsAwsRefuses()
    {
        var guessed = RoleSessionOf("ExternalLambda1", "AWS_SECRET_ACCESS_KEY", "guessed");

        var json = await Assert.ThrowsAsync<InvalidOperationException>(() => AwsCli.RunAsync(guessed, ["--endpoint-url", Endpoint, "secretsmanager", "get-secret-value", "--secret-id", SecretName]));
        var query = await Assert.ThrowsAsync<InvalidOperationException>(() => AwsCli.RunAsync(guessed, ["--endpoint-url", Endpoint, "sns", "publish", "--topic-arn", app.Outputs.GetProperty("TopicArn").GetString()!, "--message", "Mallory"]));

        Assert.Contains("(InvalidSignatureException) when calling the GetSecretValue operation: The request signature we calculated does not match", json.Message, StringComparison.Ordinal);
        Assert.Contains("(SignatureDoesNotMatch) when calling the Publish operation: The request signature we calculated does not match", query.Message, StringComparison.Ordinal);
    }

    /// <summary>Temporary credentials are valid only with their session token (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_use-resources.html).</summary>
    [Theory]
    [InlineData("")]
    [InlineData("another-token")]
    public async Task ActAsAFunctionsRole_WithoutItsSessionToken_IsAnUnrecognizedClient(string token)
    {
        using var http = new HttpClient(new SigV4SigningHandler(app.Server.FunctionCredentials["ExternalLambda1"] with { SessionToken = token.Length == 0 ? null : token }, "secretsmanager"))
        {
            BaseAddress = app.AwsEndpoint,
        };

        using var response = await http.SendAsync(GetSecretValue(), _cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("UnrecognizedClientException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("""{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}""", await response.Content.ReadAsStringAsync(_cancellation));
    }

    /// <summary>
    /// A web page may POST a form to any address without a preflight (a CORS "simple request"), but it cannot sign it:
    /// AWS serves no unsigned Publish, so neither does the local endpoint, and the engine never sees it.
    /// </summary>
    [Fact]
    public async Task PublishFromAWebPage_WithAnUnsignedFormPost_IsRefusedAsMissingAuthentication()
    {
        using var http = new HttpClient { BaseAddress = app.AwsEndpoint };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Action"] = "Publish", ["TopicArn"] = app.Outputs.GetProperty("TopicArn").GetString()!, ["Message"] = "Mallory", ["Version"] = "2010-03-31",
            }),
        };
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await http.SendAsync(request, _cancellation);
        var body = await response.Content.ReadAsStringAsync(_cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<Code>MissingAuthenticationToken</Code>", body, StringComparison.Ordinal);
        Assert.DoesNotContain("MessageId", body, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task ReadTheSecret_Unsigned_IsRefusedInTheJsonProtocol()
    {
        using var http = new HttpClient { BaseAddress = app.AwsEndpoint };

        using var response = await http.SendAsync(GetSecretValue(), _cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", JsonDocument.Parse(await response.Content.ReadAsStringAsync(_cancellation)).RootElement.GetProperty("__type").GetString());
    }

    /// <summary>Cognito's sign-in calls take no signature (the AWS CLI sends them unsigned); the fixture signs its users in through the endpoint.</summary>
    [Fact]
    public async Task SignIn_Unsigned_IsServed()
    {
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");

        Assert.Equal(3, token.Split('.').Length);
    }

    /// <summary>Lambda's API and a stage are different hosts in AWS, and so they are here.</summary>
    [Fact]
    public async Task InvokeOnTheApiHost_IsTheGatewaysAnswer_AndNoFunctionRuns()
    {
        using var http = SigV4SigningHandler.Client(app.Address);
        var before = app.Lambda1.Events;

        using var response = await http.PostAsync(new Uri("/2015-03-31/functions/ExternalLambda1/invocations", UriKind.Relative), new StringContent("{}"), _cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Amz-Executed-Version"));
        Assert.Equal(before, app.Lambda1.Events);
    }

    [Fact]
    public async Task AStageOnTheAwsEndpoint_IsNotServed()
    {
        var before = app.Lambda1.Events;

        using var response = await new HttpClient { BaseAddress = app.AwsEndpoint }.PostAsync(new Uri("/development/lambda1", UriKind.Relative), new StringContent("{\"name\":\"Ada\"}", Encoding.UTF8, "application/json"), _cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal(before, app.Lambda1.Events);
    }

    private static HttpRequestMessage GetSecretValue() => new(HttpMethod.Post, "/")
    {
        Content = new StringContent($"{{\"SecretId\":\"{SecretName}\"}}", Encoding.UTF8, "application/x-amz-json-1.1"),
        Headers = { { "X-Amz-Target", "secretsmanager.GetSecretValue" } },
    };
}
