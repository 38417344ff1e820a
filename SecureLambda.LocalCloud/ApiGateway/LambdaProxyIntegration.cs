using System.Diagnostics;
using SecureLambda.Aws.Tracing;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Iam;
using SecureLambda.LocalCloud.Lambda;

namespace SecureLambda.LocalCloud.ApiGateway;

/// <summary>
/// The method's <c>AWS_PROXY</c> integration: the request becomes the Lambda proxy event, the function's proxy response
/// becomes the HTTP response; a failed, malformed or timed-out invocation is API Gateway's 502 or 504.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
/// </summary>
public sealed partial class LambdaProxyIntegration(LambdaFunctions functions, LambdaInvoker invoker, DataPlaneState dataPlane, IamAuthorizer iam, ILogger<GatewayPipeline> logger)
{
    public async Task InvokeAsync(GatewayRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var context = request.Context;
        var stage = request.Stage;
        var route = request.Route ?? throw new InvalidOperationException("The route step runs before the integration.");
        var cancellationToken = context.RequestAborted;
        var function = await functions.FindAsync(route.Method.FunctionArn, cancellationToken);
        if (function is null)
        {
            LogNoSuchFunction(route.Method.FunctionArn, route.Method.ResourcePath);
            await GatewayResponses.WriteAsync(context, GatewayResponse.IntegrationFailure, stage, request.RequestId);
            return;
        }

        // API Gateway invokes the function as apigateway.amazonaws.com for the method's ARN: the function's
        // AWS::Lambda::Permission must allow it, or the method fails with 500 "Invalid permissions on Lambda function".
        // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-troubleshooting-lambda.html
        var model = await dataPlane.WaitAsync(cancellationToken);
        var methodArn = $"arn:aws:execute-api:{model.Policies.Region}:{stage.AccountId}:{stage.ApiId}/{stage.StageName}/{route.Method.HttpMethod}{route.Method.ResourcePath}";
        if (!iam.AuthorizeServiceInvoke(model, "apigateway.amazonaws.com", function.Definition, methodArn).IsAllowed)
        {
            LogInvalidPermissions(function.Definition.FunctionName, methodArn);
            await GatewayResponses.WriteAsync(context, GatewayResponse.InvalidLambdaPermissions, stage, request.RequestId);
            return;
        }

        var traceHeader = Activity.Current is { } current ? XRayTraceHeader.Format(current.Context) : null;
        var proxyEvent = ProxyEvent.Build(context.Request, request.BodyText, new ProxyRequestContext(
            stage, route, request.RequestId, request.SourceIp.ToString(), request.RequestTime, stage.AccountId, request.Claims, traceHeader, request.ApiKey));
        var eventBytes = ProxyEvent.Serialize(proxyEvent);
        if (eventBytes.Length > InvokeApiEndpoints.MaxSyncPayloadBytes)
        {
            // Lambda refuses a synchronous event over 6 MB before any function runs
            // (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), and API Gateway answers that
            // failed integration as it answers any: 502.
            LogEventTooLarge(function.Definition.FunctionName, eventBytes.Length, InvokeApiEndpoints.MaxSyncPayloadBytes);
            await GatewayResponses.WriteAsync(context, GatewayResponse.IntegrationFailure, stage, request.RequestId);
            return;
        }

        var result = await invoker.InvokeAsync(function, eventBytes, cancellationToken);
        switch (result.Status)
        {
            case InvocationStatus.Succeeded when await ProxyEvent.TryWriteResponseAsync(context, result.Payload):
                return;
            case InvocationStatus.Succeeded:
                LogMalformedProxyResponse(function.Definition.FunctionName, result.RequestId);
                await GatewayResponses.WriteAsync(context, GatewayResponse.IntegrationFailure, stage, request.RequestId);
                return;
            case InvocationStatus.TimedOut:
                await GatewayResponses.WriteAsync(context, GatewayResponse.IntegrationTimeout, stage, request.RequestId);
                return;
            case InvocationStatus.Throttled:
                await GatewayResponses.WriteAsync(context, GatewayResponse.LambdaThrottled, stage, request.RequestId);
                return;
            default:
                await GatewayResponses.WriteAsync(context, GatewayResponse.IntegrationFailure, stage, request.RequestId);
                return;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Execution failed due to configuration error: Invalid permissions on Lambda function {FunctionName} for {MethodArn}")]
    private partial void LogInvalidPermissions(string functionName, string methodArn);

    [LoggerMessage(Level = LogLevel.Error, Message = "Execution failed: the event for {FunctionName} is {Bytes} bytes; Lambda takes at most {Limit} bytes synchronously")]
    private partial void LogEventTooLarge(string functionName, int bytes, int limit);

    [LoggerMessage(Level = LogLevel.Error, Message = "The integration of {ResourcePath} names function {FunctionArn}, which the stack does not have")]
    private partial void LogNoSuchFunction(string functionArn, string resourcePath);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {FunctionName} answered invocation {RequestId} with a malformed Lambda proxy response")]
    private partial void LogMalformedProxyResponse(string functionName, string requestId);
}
