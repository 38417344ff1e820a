using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Lambda.Events;
using SecureLambda.Functions.ApiGateway;
using SecureLambda.Functions.Greetings;
using SecureLambda.Functions.Runtime;
using SecureLambda.Functions.Tests.Events;

namespace SecureLambda.Functions.Tests.Greetings;

public sealed class ExternalGreetingHandlerTests
{
    private const string SecretId = "LambdaSNSTopicARN";
    private const string TopicArn = "arn:aws:sns:us-east-1:123456789012:greetings";

    private readonly FakeSecretsManager _secrets = new();
    private readonly FakeSns _sns = new();
    private readonly FakeTimeProvider _clock = new();
    private readonly JsonLambdaHandler<ApiGatewayProxyRequest, ApiGatewayProxyResponse> _handler;

    public ExternalGreetingHandlerTests()
    {
        _secrets.Secrets[SecretId] = $"{{\"TOPIC_ARN\":\"{TopicArn}\"}}";
        var topicArns = new SecretTopicArnSource(_secrets, SecretId, TimeSpan.FromMinutes(5), _clock);
        var forwarder = new GreetingForwarder(topicArns, _sns, "ExternalLambda1");
        _handler = new JsonLambdaHandler<ApiGatewayProxyRequest, ApiGatewayProxyResponse>(
            new ExternalGreetingHandler(forwarder, NullLogger<ExternalGreetingHandler>.Instance),
            ApiGatewayJsonContext.Default.ApiGatewayProxyRequest,
            ApiGatewayJsonContext.Default.ApiGatewayProxyResponse);
    }

    [Fact]
    public async Task Returns200WithGreeting_AndPublishesTheName()
    {
        var response = await InvokeAsync("{\"name\":\" Ada \"}");

        Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
        Assert.Equal("application/json", response.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal(
            "{\"message\":\"Hello Ada. Greetings from ExternalLambda1! Message forwarded to InternalLambda.\"}",
            response.GetProperty("body").GetString());
        var published = Assert.Single(_sns.Published);
        Assert.Equal(TopicArn, published.TopicArn);
        Assert.Equal("Ada", published.Message);
    }

    [Fact]
    public async Task Publishes_CallerFromCognitoUsername_AndTraceParentOfTheCurrentSpan()
    {
        using var activity = new Activity("invocation").SetIdFormat(ActivityIdFormat.W3C).Start();

        await InvokeAsync("{\"name\":\"Ada\"}", caller: "user-sub-1");

        var attributes = Assert.Single(_sns.Published).StringAttributes!;
        Assert.Equal("user-sub-1", attributes["caller"]);
        Assert.Equal(activity.Id, attributes["traceparent"]);
    }

    [Fact]
    public async Task LeavesOutCaller_WhenTheRequestHasNoClaims()
    {
        await InvokeAsync("{\"name\":\"Ada\"}", caller: null);

        Assert.False(Assert.Single(_sns.Published).StringAttributes!.ContainsKey("caller"));
    }

    [Fact]
    public async Task KeepsNonAsciiNames_Readable_InTheAnswer()
    {
        var response = await InvokeAsync("{\"name\":\"Zoë <3\"}");

        Assert.Contains("Hello Zoë <3. Greetings", response.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "The request body is required: a JSON object with a string \"name\".")]
    [InlineData("not json", "The request body is not valid JSON.")]
    [InlineData("{\"name\":7}", "The field \"name\" must be a string.")]
    [InlineData("{\"name\":\"\"}", "The field \"name\" must not be empty.")]
    public async Task Returns400WithTheProblem_AndNeitherReadsTheSecretNorPublishes(string? body, string problem)
    {
        var response = await InvokeAsync(body);

        Assert.Equal(400, response.GetProperty("statusCode").GetInt32());
        var message = JsonDocument.Parse(response.GetProperty("body").GetString()!).RootElement.GetProperty("message").GetString();
        Assert.Equal(problem, message);
        Assert.Empty(_sns.Published);
        Assert.Equal(0, _secrets.Reads);
    }

    [Fact]
    public async Task Returns500WithoutInternals_WhenTheSecretIsMissing()
    {
        _secrets.Secrets.Clear();

        var response = await InvokeAsync("{\"name\":\"Ada\"}");

        AssertGenericFailure(response);
        Assert.Empty(_sns.Published);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"OTHER\":\"x\"}")]
    [InlineData("{\"TOPIC_ARN\":\"not-an-arn\"}")]
    public async Task Returns500_WhenTheSecretHoldsNoTopicArn(string secret)
    {
        _secrets.Secrets[SecretId] = secret;

        AssertGenericFailure(await InvokeAsync("{\"name\":\"Ada\"}"));
        Assert.Empty(_sns.Published);
    }

    [Fact]
    public async Task Returns500WithoutInternals_WhenPublishFails()
    {
        _sns.FailWith = new AwsServiceException("SNS", "NotFound", "Topic does not exist", HttpStatusCode.NotFound, "req-2");

        AssertGenericFailure(await InvokeAsync("{\"name\":\"Ada\"}"));
    }

    [Fact]
    public async Task CachesTheTopicArn_ForFiveMinutes()
    {
        await InvokeAsync("{\"name\":\"Ada\"}");
        _clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        await InvokeAsync("{\"name\":\"Bob\"}");
        Assert.Equal(1, _secrets.Reads);

        _clock.Advance(TimeSpan.FromSeconds(1));
        await InvokeAsync("{\"name\":\"Cy\"}");
        Assert.Equal(2, _secrets.Reads);
        Assert.Equal(3, _sns.Published.Count);
    }

    [Fact]
    public async Task ReadsTheSecretAgain_AfterAPublishFailure()
    {
        await InvokeAsync("{\"name\":\"Ada\"}");
        _sns.FailWith = new HttpRequestException("connection refused");
        await InvokeAsync("{\"name\":\"Bob\"}");
        _sns.FailWith = null;

        var response = await InvokeAsync("{\"name\":\"Cy\"}");

        Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
        Assert.Equal(2, _secrets.Reads);
    }

    [Fact]
    public async Task ReadsTheSecretAgain_AfterASecretFailure()
    {
        _secrets.FailWith = new HttpRequestException("connection refused");
        AssertGenericFailure(await InvokeAsync("{\"name\":\"Ada\"}"));
        _secrets.FailWith = null;

        var response = await InvokeAsync("{\"name\":\"Bob\"}");

        Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
        Assert.Equal(2, _secrets.Reads);
    }

    private static void AssertGenericFailure(JsonElement response)
    {
        Assert.Equal(500, response.GetProperty("statusCode").GetInt32());
        Assert.Equal("{\"message\":\"An error occurred, try again later.\"}", response.GetProperty("body").GetString());
    }

    private async Task<JsonElement> InvokeAsync(string? body, string? caller = "e9df23eb-ed2f-463c-9441-b2c8e5979ad2")
    {
        var invocation = TestEvents.Invocation(TestEvents.ProxyEvent(body, caller));
        var response = await _handler.HandleAsync(invocation, TestContext.Current.CancellationToken);
        return JsonDocument.Parse(response).RootElement.Clone();
    }
}
