using System.Globalization;
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

    /// <summary>Each function with its timeout and, from its EventInvokeConfig, its asynchronous retries.</summary>
    internal static IEnumerable<LambdaFunctionDefinition> FunctionDefinitions(ProvisionedStack stack)
    {
        var retries = stack.OfType("AWS::Lambda::EventInvokeConfig")
            .Where(config => config.GetString("FunctionName") is not null && config.GetString("MaximumRetryAttempts") is not null)
            .ToDictionary(config => config.GetString("FunctionName")!, config => int.Parse(config.GetString("MaximumRetryAttempts")!, CultureInfo.InvariantCulture), StringComparer.Ordinal);
        foreach (var function in stack.OfType("AWS::Lambda::Function"))
        {
            var timeout = function.GetString("Timeout") is { } seconds
                ? TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture))
                : LambdaFunctionDefinition.DefaultTimeout;
            var arn = function.Attributes["Arn"].GetValue<string>();
            yield return new LambdaFunctionDefinition(
                function.LogicalId,
                function.PhysicalId,
                arn,
                timeout,
                retries.GetValueOrDefault(function.PhysicalId, retries.GetValueOrDefault(arn, 2)));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving stage {Stage} of API {ApiId}: {Routes}")]
    private partial void LogServing(string stage, string apiId, string routes);

    [LoggerMessage(Level = LogLevel.Critical, Message = "LocalCloud cannot serve this stack; stopping")]
    private partial void LogCannotServe(Exception exception);
}
