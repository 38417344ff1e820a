using Amazon.SQS.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecureLambda.Aws.Core;
using SecureLambda.LocalCloud.Engine;

namespace SecureLambda.LocalCloud.Tests.Hosting;

/// <summary>
/// LocalCloud's one SQS client follows the same rule as SecureLambda.Aws's own clients: AWS standard mode (3 attempts,
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html), but a non-idempotent call that may have
/// reached the engine is not sent again, so an invocation record or a retried event is never queued twice by our doing.
/// </summary>
public sealed class EngineSqsRetryTests
{
    [Fact]
    public async Task SendMessage_IsSentOnce_WhenTheEngineAnswers500_SoNoRecordIsQueuedTwice()
    {
        await using var engine = await FailingEngine.StartAsync(StatusCodes.Status500InternalServerError, "InternalError");
        using var sqs = EngineClients.CreateSqs(engine.Context);

        await Assert.ThrowsAnyAsync<Exception>(() => sqs.SendMessageAsync(
            new SendMessageRequest { QueueUrl = engine.QueueUrl, MessageBody = "{}" }, TestContext.Current.CancellationToken));

        Assert.Equal(1, engine.Requests);
    }

    [Fact]
    public async Task GetQueueAttributes_IsSentThreeTimes_WhenTheEngineAnswers500()
    {
        await using var engine = await FailingEngine.StartAsync(StatusCodes.Status500InternalServerError, "InternalError");
        using var sqs = EngineClients.CreateSqs(engine.Context);

        await Assert.ThrowsAnyAsync<Exception>(() => sqs.GetQueueAttributesAsync(
            new GetQueueAttributesRequest { QueueUrl = engine.QueueUrl, AttributeNames = ["All"] }, TestContext.Current.CancellationToken));

        Assert.Equal(3, engine.Requests);
    }

    [Fact]
    public async Task SendMessage_IsRetried_WhenTheEngineThrottles_BecauseNothingWasQueued()
    {
        await using var engine = await FailingEngine.StartAsync(StatusCodes.Status400BadRequest, "ThrottlingException");
        using var sqs = EngineClients.CreateSqs(engine.Context);

        await Assert.ThrowsAnyAsync<Exception>(() => sqs.SendMessageAsync(
            new SendMessageRequest { QueueUrl = engine.QueueUrl, MessageBody = "{}" }, TestContext.Current.CancellationToken));

        Assert.Equal(3, engine.Requests);
    }

    /// <summary>An engine on a loopback port that answers every request with one AWS JSON error, counting them.</summary>
    private sealed class FailingEngine : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private FailingEngine(WebApplication app) => _app = app;

        public int Requests => Volatile.Read(ref _requests);

        public AwsClientContext Context { get; private set; } = null!;

        public string QueueUrl { get; private set; } = string.Empty;

        public static async Task<FailingEngine> StartAsync(int status, string errorCode)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var engine = new FailingEngine(app);
            app.Run(async context =>
            {
                Interlocked.Increment(ref engine._requests);
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/x-amz-json-1.0";
                context.Response.Headers["x-amzn-query-error"] = $"{errorCode};Sender";
                await context.Response.WriteAsync($$"""{"__type":"com.amazonaws.sqs#{{errorCode}}","message":"from the test"}""");
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            var environment = new Dictionary<string, string>
            {
                ["AWS_ENDPOINT_URL"] = address,
                ["AWS_REGION"] = "us-east-1",
                ["AWS_ACCESS_KEY_ID"] = "testing",
                ["AWS_SECRET_ACCESS_KEY"] = "testing",
            };
            engine.Context = AwsClientContext.FromEnvironment(environment.GetValueOrDefault);
            engine.QueueUrl = $"{address}/000000000000/q";
            return engine;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
