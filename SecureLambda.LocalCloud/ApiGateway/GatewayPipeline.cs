using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using SecureLambda.Aws.Tracing;
using SecureLambda.LocalCloud.ApiGateway.Validation;
using SecureLambda.LocalCloud.Authorizers;
using SecureLambda.LocalCloud.Lambda;
using SecureLambda.LocalCloud.Waf;

namespace SecureLambda.LocalCloud.ApiGateway;

/// <summary>Options of the local API Gateway (section <c>LocalCloud:Gateway</c>).</summary>
public sealed class GatewayOptions
{
    public const string Section = "LocalCloud:Gateway";

    /// <summary>Take the client address from <c>X-Forwarded-For</c> (behind a trusted proxy) instead of the connection.</summary>
    public bool TrustForwardedFor { get; set; }
}

/// <summary>
/// One request through the REST API, in AWS's order: WAF (web ACL rules run before API Gateway's own processing) →
/// route → stage throttling (so that a flood costs no token validation) → Cognito authorizer → request validation →
/// <c>AWS_PROXY</c> integration. Each step is a span with its decision as attributes; every answer carries
/// <c>x-amzn-RequestId</c>; on any refusal the function is never invoked.
/// </summary>
public sealed partial class GatewayPipeline(
    GatewayStages stages,
    CognitoTokenValidator authorizer,
    LambdaFunctions functions,
    LambdaInvoker invoker,
    IOptions<GatewayOptions> options,
    TimeProvider timeProvider,
    ILogger<GatewayPipeline> logger)
{
    /// <summary>
    /// API Gateway's payload limit (10 MB) and its limit on the request line and header values together (10,240 bytes),
    /// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html.
    /// </summary>
    public const int MaxPayloadBytes = 10 * 1024 * 1024;
    public const int MaxRequestLineAndHeaderBytes = 10_240;

    private readonly SourceIpResolver _sourceIps = new(options.Value.TrustForwardedFor);

    public async Task HandleAsync(HttpContext context, string stageName, string? path)
    {
        var cancellationToken = context.RequestAborted;
        var requestId = Guid.NewGuid().ToString();
        var requestTime = timeProvider.GetUtcNow();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        Activity.Current?.SetTag("aws.request_id", requestId);

        if (await stages.FindAsync(stageName, cancellationToken) is not var (stage, routes))
        {
            await GatewayAnswerWriter.WriteAsync(context, GatewayAnswer.StageNotFound, null, requestId);
            return;
        }

        if (RequestLineAndHeaderBytes(context) > MaxRequestLineAndHeaderBytes)
        {
            await GatewayAnswerWriter.WriteAsync(context, GatewayAnswer.HeadersTooLarge, stage, requestId);
            return;
        }

        // The body is read first, within API Gateway's payload limit, because WAF inspects it.
        var bytes = await RequestBodies.ReadAsync(context.Request, MaxPayloadBytes, cancellationToken);
        if (bytes is null)
        {
            await GatewayAnswerWriter.WriteAsync(context, GatewayAnswer.RequestTooLarge, stage, requestId);
            return;
        }

        var sourceIp = _sourceIps.Resolve(context.Connection.RemoteIpAddress, context.Request.Headers["X-Forwarded-For"].ToString());
        if (stage.WebAcl is { } webAcl)
        {
            using var wafSpan = LocalCloudTelemetry.Source.StartActivity("WAF");
            if (webAcl.Evaluate(WafRequests.FromHttp(context, sourceIp, bytes)).Action == WafAction.Block)
            {
                await GatewayAnswerWriter.WriteAsync(context, GatewayAnswer.WafFiltered, stage, requestId);
                return;
            }
        }

        var method = context.Request.Method;
        var route = routes.Match("/" + (path ?? ""), method);
        if (route is null)
        {
            await GatewayAnswerWriter.WriteAsync(context, GatewayAnswer.MissingAuthenticationToken, stage, requestId);
            return;
        }

        // The server span's name and http.route are the catch-all endpoint's (ASP.NET Core's instrumentation sets them
        // when the request ends), so the API method it served is a tag of its own.
        Activity.Current?.SetTag("securelambda.gateway.method", $"{method} /{stage.StageName}{route.Method.ResourcePath}");
        using (var throttleSpan = LocalCloudTelemetry.Source.StartActivity("Throttle"))
        {
            if (!stage.Throttle.TryAcquire(route.Method.ResourcePath, method))
            {
                await GatewayAnswerWriter.WriteAsync(context, GatewayAnswer.Throttled, stage, requestId);
                return;
            }
        }

        IReadOnlyDictionary<string, string>? claims = null;
        if (route.Method.Authorizer is { } settings)
        {
            AuthorizerResult result;
            try
            {
                result = await authorizer.AuthorizeAsync(context.Request.Headers[settings.IdentitySourceHeader].FirstOrDefault(), settings, cancellationToken);
            }
            catch (JwksUnavailableException exception)
            {
                // The pool's keys could not be fetched from the engine: AWS's answer to an authorizer it cannot run.
                LogAuthorizerUnavailable(exception, settings.AuthorizerName);
                await GatewayAnswerWriter.WriteAsync(context, GatewayAnswer.AuthorizerConfigurationError, stage, requestId);
                return;
            }

            if (!result.IsAuthorized)
            {
                var answer = result.Failure == AuthorizerFailure.ExpiredToken ? GatewayAnswer.ExpiredToken : GatewayAnswer.Unauthorized;
                await GatewayAnswerWriter.WriteAsync(context, answer, stage, requestId);
                return;
            }

            claims = result.Claims;
        }

        var body = Encoding.UTF8.GetString(bytes);

        if (route.Method.BodyModels is { } models
            && RequestBodyValidator.SchemaFor(models, context.Request.ContentType) is { } schema)
        {
            using var validationSpan = LocalCloudTelemetry.Source.StartActivity("Request validation");
            if (!RequestBodyValidator.IsValid(schema, body, out var reason))
            {
                validationSpan?.SetTag("securelambda.validation.result", "invalid");
                validationSpan?.SetTag("securelambda.validation.reason", reason);
                await GatewayAnswerWriter.WriteAsync(context, GatewayAnswer.BadRequestBody, stage, requestId);
                return;
            }

            validationSpan?.SetTag("securelambda.validation.result", "valid");
        }

        await IntegrateAsync(context, stage, route, requestId, requestTime, sourceIp, claims, body);
    }

    private async Task IntegrateAsync(
        HttpContext context,
        GatewayStage stage,
        RouteMatch route,
        string requestId,
        DateTimeOffset requestTime,
        IPAddress sourceIp,
        IReadOnlyDictionary<string, string>? claims,
        string body)
    {
        var cancellationToken = context.RequestAborted;
        var function = await functions.FindAsync(route.Method.FunctionArn, cancellationToken);
        if (function is null)
        {
            LogNoSuchFunction(route.Method.FunctionArn, route.Method.ResourcePath);
            await GatewayAnswerWriter.WriteAsync(context, GatewayAnswer.IntegrationFailure, stage, requestId);
            return;
        }

        var traceHeader = Activity.Current is { } current ? XRayTraceHeader.Format(current.Context) : null;
        var proxyEvent = ProxyEvent.Build(context.Request, body, new ProxyRequestContext(
            stage, route, requestId, sourceIp.ToString(), requestTime, stage.AccountId, claims, traceHeader));
        var eventBytes = ProxyEvent.Serialize(proxyEvent);
        if (eventBytes.Length > InvokeApiEndpoints.MaxSyncPayloadBytes)
        {
            // Lambda refuses a synchronous event over 6 MB before any function runs
            // (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), and API Gateway answers that
            // failed integration as it answers any: 502.
            LogEventTooLarge(function.Definition.FunctionName, eventBytes.Length, InvokeApiEndpoints.MaxSyncPayloadBytes);
            await GatewayAnswerWriter.WriteAsync(context, GatewayAnswer.IntegrationFailure, stage, requestId);
            return;
        }

        var result = await invoker.InvokeAsync(function, eventBytes, cancellationToken);
        switch (result.Status)
        {
            case InvocationStatus.Succeeded when await ProxyEvent.TryWriteResponseAsync(context, result.Payload):
                return;
            case InvocationStatus.Succeeded:
                LogMalformedProxyResponse(function.Definition.FunctionName, result.RequestId);
                await GatewayAnswerWriter.WriteAsync(context, GatewayAnswer.IntegrationFailure, stage, requestId);
                return;
            case InvocationStatus.TimedOut:
                await GatewayAnswerWriter.WriteAsync(context, GatewayAnswer.IntegrationTimeout, stage, requestId);
                return;
            default:
                await GatewayAnswerWriter.WriteAsync(context, GatewayAnswer.IntegrationFailure, stage, requestId);
                return;
        }
    }

    /// <summary>The request line (<c>METHOD target HTTP/1.1</c>) and every header value, in bytes as sent.</summary>
    private static int RequestLineAndHeaderBytes(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? $"{request.PathBase}{request.Path}{request.QueryString}";
        var total = Encoding.UTF8.GetByteCount(request.Method) + 1 + Encoding.UTF8.GetByteCount(target) + 1 + Encoding.UTF8.GetByteCount(request.Protocol);
        foreach (var (_, values) in request.Headers)
        {
            foreach (var value in values)
            {
                total += Encoding.UTF8.GetByteCount(value ?? string.Empty);
            }
        }

        return total;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Execution failed: the event for {FunctionName} is {Bytes} bytes; Lambda takes at most {Limit} bytes synchronously")]
    private partial void LogEventTooLarge(string functionName, int bytes, int limit);

    [LoggerMessage(Level = LogLevel.Error, Message = "The keys of authorizer {Authorizer}'s user pool could not be fetched from the engine")]
    private partial void LogAuthorizerUnavailable(Exception exception, string authorizer);

    [LoggerMessage(Level = LogLevel.Error, Message = "The integration of {ResourcePath} names function {FunctionArn}, which the stack does not have")]
    private partial void LogNoSuchFunction(string functionArn, string resourcePath);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {FunctionName} answered invocation {RequestId} with a malformed Lambda proxy response")]
    private partial void LogMalformedProxyResponse(string functionName, string requestId);
}
