using SecureLambda.LocalCloud.ApiGateway;
using SecureLambda.LocalCloud.Lambda;
using SecureLambda.LocalCloud.Provisioning;
using SecureLambda.LocalCloud.Waf;

namespace SecureLambda.LocalCloud;

/// <summary>
/// Once the stack is provisioned, configures the data plane from it: the functions the Runtime API serves, the SNS →
/// Lambda subscriptions to deliver, and the API stages. A template the data plane cannot serve exactly stops LocalCloud
/// with the reason: it fails loudly where other emulators drop what they do not understand.
/// </summary>
public sealed partial class DataPlaneStartup(
    IProvisionedStackAccessor stack,
    LambdaFunctions functions,
    AsyncDeliverySubscriptions subscriptions,
    GatewayStages stages,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    ILogger<DataPlaneStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var provisioned = await stack.Stack.WaitAsync(stoppingToken);
            functions.Register(FunctionDefinitions(provisioned));
            subscriptions.Register(provisioned.AsyncDeliveries.Select(route => new AsyncDeliverySubscription(
                route.FunctionName, route.TopicArn, route.SubscriptionArn, route.QueueUrl, route.MaxReceiveCount)));
            var built = GatewayModelBuilder.Build(provisioned, timeProvider);
            stages.Register(built);
            foreach (var stage in built)
            {
                var routes = string.Join(", ", stage.Resources.SelectMany(r => r.Methods.Keys.Select(m => $"{m} {r.Path}")));
                LogServing(stage.StageName, stage.ApiId, routes);
            }

            WafStartupReport.Log(logger, provisioned, built);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            stages.Fail(exception);
            LogCannotServe(exception);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    /// <summary>
    /// Each function with its timeout and, from its EventInvokeConfig and DeadLetterConfig, what happens to its failed
    /// asynchronous events. A destination other than one of the stack's SQS queues stops LocalCloud with the reason.
    /// </summary>
    internal static IEnumerable<LambdaFunctionDefinition> FunctionDefinitions(ProvisionedStack stack)
    {
        var queues = stack.OfType("AWS::SQS::Queue")
            .Where(queue => queue.Attributes.ContainsKey("Arn") && queue.Attributes.ContainsKey("QueueUrl"))
            .ToDictionary(queue => queue.Attributes["Arn"].GetValue<string>(), queue => queue.Attributes["QueueUrl"].GetValue<string>(), StringComparer.Ordinal);
        AsyncFailureTarget? Queue(string? arn, string what) => arn is null ? null
            : queues.TryGetValue(arn, out var url) ? new AsyncFailureTarget(arn, url)
            : throw new NotSupportedException($"{what} {arn} is not an SQS queue of the stack; LocalCloud delivers failed asynchronous events only to the stack's own queues.");

        var configs = stack.OfType("AWS::Lambda::EventInvokeConfig")
            .Where(config => config.GetString("FunctionName") is not null)
            .ToDictionary(config => config.GetString("FunctionName")!, StringComparer.Ordinal);
        foreach (var function in stack.OfType("AWS::Lambda::Function"))
        {
            var timeout = function.TypedProperties.OptionalDouble("Timeout") is { } seconds
                ? TimeSpan.FromSeconds(seconds)
                : LambdaFunctionDefinition.DefaultTimeout;
            var arn = function.Attributes["Arn"].GetValue<string>();
            var config = configs.GetValueOrDefault(function.PhysicalId) ?? configs.GetValueOrDefault(arn);
            yield return new LambdaFunctionDefinition(
                function.LogicalId,
                function.PhysicalId,
                arn,
                timeout,
                config?.TypedProperties.OptionalInt("MaximumRetryAttempts") ?? 2)
            {
                MaximumEventAge = config?.TypedProperties.OptionalInt("MaximumEventAgeInSeconds") is { } age
                    ? TimeSpan.FromSeconds(age)
                    : LambdaFunctionDefinition.DefaultMaximumEventAge,
                OnFailure = Queue(config?.TypedProperties.OptionalObject("DestinationConfig")?.OptionalObject("OnFailure")?.OptionalString("Destination"), $"The on-failure destination of {function.LogicalId},"),
                DeadLetter = Queue(function.TypedProperties.OptionalObject("DeadLetterConfig")?.OptionalString("TargetArn"), $"The dead-letter queue of {function.LogicalId},"),
            };
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving stage {Stage} of API {ApiId}: {Routes}")]
    private partial void LogServing(string stage, string apiId, string routes);

    [LoggerMessage(Level = LogLevel.Critical, Message = "LocalCloud cannot serve this stack; stopping")]
    private partial void LogCannotServe(Exception exception);
}
