using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SecureLambda.Aws.Core;
using SecureLambda.LocalCloud.Authorizers;
using SecureLambda.LocalCloud.Engine;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.Tests.Hosting;

/// <summary>
/// The engine and JWKS HttpClients, as LocalCloud's host builds them with the service defaults, have no retry layer of
/// their own: SecureLambda.Aws's AWS standard mode (3 attempts,
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html) is the only one on the call path.
/// </summary>
public sealed class EngineRetryLayerTests
{
    [Theory]
    [InlineData(EngineClients.HttpClientName)]
    [InlineData(AuthorizerServiceCollectionExtensions.JwksHttpClientName)]
    public async Task OneSend_PerRequest_WhenTheServerAnswers503(string clientName)
    {
        var handler = new CountingHandler(HttpStatusCode.ServiceUnavailable);
        await using var host = BuildHost(clientName, handler);
        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(clientName);

        using var response = await http.GetAsync(new Uri("http://127.0.0.1:9/"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, handler.Sends);
    }

    [Fact]
    public async Task EngineCall_IsAtMostThreeSends_ThroughTheEngineClients()
    {
        var handler = new CountingHandler(HttpStatusCode.ServiceUnavailable);
        await using var host = BuildHost(EngineClients.HttpClientName, handler);
        var engine = host.Services.GetRequiredService<EngineClients>();

        await Assert.ThrowsAsync<AwsServiceException>(
            () => engine.Sns.ListTopicsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(3, handler.Sends);
    }

    [Fact]
    public async Task NonIdempotentEngineCall_IsSentOnce_WhenTheEngineAnswers503()
    {
        var handler = new CountingHandler(HttpStatusCode.ServiceUnavailable);
        await using var host = BuildHost(EngineClients.HttpClientName, handler);
        var engine = host.Services.GetRequiredService<EngineClients>();

        await Assert.ThrowsAsync<AwsServiceException>(
            () => engine.Sns.SubscribeAsync("arn:aws:sns:us-east-1:123456789012:t", "sqs", "arn:aws:sqs:us-east-1:123456789012:q", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(1, handler.Sends);
    }

    private static WebApplication BuildHost(string clientName, CountingHandler handler)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9",
            ["LocalCloud:TemplatePath"] = "unused.yaml",
        });
        builder.AddServiceDefaults();
        builder.Services.AddStackProvisioning(builder.Configuration);
        builder.Services.AddCognitoAuthorizers();
        builder.Services.AddSingleton(AwsClientContext.FromEnvironment(name => builder.Configuration[name]) with
        {
            RetryPolicy = new AwsRetryPolicy { BaseDelay = TimeSpan.Zero },
        });
        builder.Services.AddHttpClient(clientName).ConfigurePrimaryHttpMessageHandler(() => handler);
        return builder.Build();
    }

    private sealed class CountingHandler(HttpStatusCode status) : HttpMessageHandler
    {
        private int _sends;

        public int Sends => Volatile.Read(ref _sends);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sends);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent("") });
        }
    }
}
