using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Lambda;
using SecureLambda.Aws.Lambda.Events;
using SecureLambda.Aws.SecretsManager;
using SecureLambda.Aws.Sns;
using SecureLambda.Functions.ApiGateway;
using SecureLambda.Functions.Greetings;
using SecureLambda.Functions.Runtime;
using SecureLambda.Functions.Sns;
using SecureLambda.Functions.Telemetry;

namespace SecureLambda.Functions;

/// <summary>
/// The composition root: reads the settings, builds the handler that <c>_HANDLER</c> names, and runs the runtime loop.
/// A failure before the first <c>next</c> is posted to <c>/runtime/init/error</c>, as Lambda expects of a custom runtime.
/// </summary>
public static class FunctionHost
{
    public static async Task<int> RunAsync(Func<string, string?> variable, CancellationToken stoppingToken)
    {
        Uri runtimeApiUri;
        try
        {
            runtimeApiUri = RuntimeApiAddress.Parse(variable("AWS_LAMBDA_RUNTIME_API"));
        }
        catch (InvalidOperationException exception)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            return 2;
        }

        // The Runtime API long-polls /next for as long as no event arrives, so this client never times out by itself.
        // Its calls are the runtime's plumbing, not part of the invocation's work: they carry no trace context, or the
        // Runtime API's server spans would hang in the caller's trace under a parent that is never exported.
        using var runtimeHttp = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { Timeout = Timeout.InfiniteTimeSpan };
        var runtimeApi = new LambdaRuntimeApiClient(runtimeHttp, runtimeApiUri);
        // The AWS calls carry their own span's traceparent (SecureLambda.Aws sets it): HttpClient's span, which it would
        // send instead, is not exported here, and the AWS endpoint's spans would hang from it, outside the trace.
        using var awsHttp = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null });

        FunctionObservability? observability = null;
        LambdaRuntimeLoop loop;
        try
        {
            var settings = FunctionSettings.FromEnvironment(variable);
            observability = FunctionObservability.Create(variable, settings.LogLevel, TimeProvider.System);
            var handler = CreateHandler(settings, awsHttp, variable, observability.LoggerFactory, TimeProvider.System);
            loop = new LambdaRuntimeLoop(runtimeApi, handler, TimeProvider.System, observability.LoggerFactory.CreateLogger<LambdaRuntimeLoop>(), observability.Flush);
        }
        catch (Exception exception)
        {
            await Console.Error.WriteLineAsync($"Init failed: {exception.Message}");
            await runtimeApi.PostInitErrorAsync(RuntimeApiError.FromException(exception), stoppingToken);
            observability?.Dispose();
            return 1;
        }

        using (observability)
        {
            await loop.RunAsync(stoppingToken);
        }

        return 0;
    }

    public static ILambdaHandler CreateHandler(
        FunctionSettings settings,
        HttpClient awsHttp,
        Func<string, string?> variable,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider)
    {
        if (settings.Handler == FunctionKind.Internal)
        {
            return new JsonLambdaHandler<SnsEvent, SnsBatchResult>(
                new InternalGreetingHandler(loggerFactory.CreateLogger<InternalGreetingHandler>()),
                SnsEventJsonContext.Default.SnsEvent,
                SnsBatchResultJsonContext.Default.SnsBatchResult);
        }

        var aws = AwsClientContext.FromEnvironment(variable) with { TimeProvider = timeProvider };
        var topicArns = new SecretTopicArnSource(
            new SecretsManagerClient(awsHttp, aws), settings.TopicSecretId, settings.TopicArnCacheDuration, timeProvider);
        var forwarder = new GreetingForwarder(topicArns, new SnsClient(awsHttp, aws), settings.GreeterName!);
        return new JsonLambdaHandler<ApiGatewayProxyRequest, ApiGatewayProxyResponse>(
            new ExternalGreetingHandler(forwarder, loggerFactory.CreateLogger<ExternalGreetingHandler>()),
            ApiGatewayJsonContext.Default.ApiGatewayProxyRequest,
            ApiGatewayJsonContext.Default.ApiGatewayProxyResponse);
    }
}
