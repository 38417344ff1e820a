using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Hosting;
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
/// route → stage throttling (so that a flood costs no token validation) → Cognito authorizer → API key and its usage
/// plan → request validation → <c>AWS_PROXY</c> integration. Each step is a span with its decision as attributes; every response carries
/// <c>x-amzn-RequestId</c>; on any refusal the function is never invoked.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
/// </summary>
public sealed class GatewayPipeline
{
    /// <summary>
    /// API Gateway's payload limit (10 MB) and its limit on the request line and header values together (10,240 bytes),
    /// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html.
    /// </summary>
    public const int MaxPayloadBytes = 10 * 1024 * 1024;
    public const int MaxRequestLineAndHeaderBytes = 10_240;

    private readonly DataPlaneState _dataPlane;
    private readonly IGatewayStep[] _steps;
    private readonly LambdaProxyIntegration _integration;
    private readonly TimeProvider _timeProvider;
    private readonly SourceIpResolver _sourceIps;

    public GatewayPipeline(
        DataPlaneState dataPlane,
        AuthorizerStep authorizer,
        ApiKeyStep apiKey,
        LambdaProxyIntegration integration,
        IOptions<GatewayOptions> options,
        TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dataPlane = dataPlane;
        _steps = [new WebAclStep(), new RouteStep(), new ThrottleStep(), authorizer, apiKey, new RequestValidationStep()];
        _integration = integration;
        _timeProvider = timeProvider;
        _sourceIps = new SourceIpResolver(options.Value.TrustForwardedFor);
    }

    public async Task HandleAsync(HttpContext context, string stageName, string? path)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.RequestAborted;
        var requestId = Guid.NewGuid().ToString();
        var requestTime = _timeProvider.GetUtcNow();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        Activity.Current?.SetTag("aws.request_id", requestId);

        var model = await _dataPlane.WaitAsync(cancellationToken);
        if (model.FindStage(stageName) is not { } served)
        {
            await GatewayResponses.WriteAsync(context, GatewayResponse.StageNotFound, null, requestId);
            return;
        }

        if (RequestLineAndHeaderBytes(context) > MaxRequestLineAndHeaderBytes)
        {
            await GatewayResponses.WriteAsync(context, GatewayResponse.HeadersTooLarge, served.Stage, requestId);
            return;
        }

        // The body is read first, within API Gateway's payload limit, because WAF inspects it.
        var bytes = await RequestBodies.ReadAsync(context.Request, MaxPayloadBytes, cancellationToken);
        if (bytes is null)
        {
            await GatewayResponses.WriteAsync(context, GatewayResponse.RequestTooLarge, served.Stage, requestId);
            return;
        }

        var sourceIp = _sourceIps.Resolve(context.Connection.RemoteIpAddress, context.Request.Headers["X-Forwarded-For"].ToString());
        var request = new GatewayRequest(context, served, "/" + (path ?? ""), requestId, requestTime, sourceIp, bytes);
        foreach (var step in _steps)
        {
            if (await step.RunAsync(request) is { } refused)
            {
                await GatewayResponses.WriteAsync(context, refused, served.Stage, requestId);
                return;
            }
        }

        await _integration.InvokeAsync(request);
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
}
