using System.Diagnostics;
using System.Net;
using System.Text;
using SecureLambda.LocalCloud.ApiGateway.UsagePlans;
using SecureLambda.LocalCloud.ApiGateway.Validation;
using SecureLambda.LocalCloud.Authorizers;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Diagnostics;
using SecureLambda.LocalCloud.Waf;

namespace SecureLambda.LocalCloud.ApiGateway;

/// <summary>One request to a stage as the gateway's steps see it; the steps fill in the route and the claims.</summary>
public sealed class GatewayRequest(HttpContext context, ServedStage stage, string path, string requestId, DateTimeOffset requestTime, IPAddress sourceIp, byte[] body)
{
    private string? _bodyText;

    public HttpContext Context { get; } = context;

    public GatewayStage Stage { get; } = stage.Stage;

    public RouteTable Routes { get; } = stage.Routes;

    /// <summary>The path below the stage, with its leading slash: <c>/lambda1</c> for <c>/development/lambda1</c>.</summary>
    public string Path { get; } = path;

    public string RequestId { get; } = requestId;

    public DateTimeOffset RequestTime { get; } = requestTime;

    public IPAddress SourceIp { get; } = sourceIp;

    /// <summary>The body as received, within API Gateway's payload limit.</summary>
    public byte[] Body { get; } = body;

    public string BodyText => _bodyText ??= Encoding.UTF8.GetString(Body);

    /// <summary>The API method the path and verb matched; set by <see cref="RouteStep"/>.</summary>
    public RouteMatch? Route { get; set; }

    /// <summary>The token's claims; set by <see cref="AuthorizerStep"/> for a method with an authorizer.</summary>
    public IReadOnlyDictionary<string, string>? Claims { get; set; }

    /// <summary>The API key its usage plan admitted; set by <see cref="ApiKeyStep"/> for a method that requires one.</summary>
    public ApiKeyDefinition? ApiKey { get; set; }
}

/// <summary>One step of the gateway's request flow: null lets the request go on; a gateway response ends it there.</summary>
public interface IGatewayStep
{
    ValueTask<GatewayResponse?> RunAsync(GatewayRequest request);
}

/// <summary>
/// The stage's web ACL, before any of API Gateway's own processing: a blocked request costs no route, token or function.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html
/// </summary>
public sealed class WebAclStep : IGatewayStep
{
    public ValueTask<GatewayResponse?> RunAsync(GatewayRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Stage.WebAcl is not { } webAcl)
        {
            return ValueTask.FromResult<GatewayResponse?>(null);
        }

        using var span = LocalCloudTelemetry.Source.StartActivity("WAF");
        var blocked = webAcl.Evaluate(WafRequests.FromHttp(request.Context, request.SourceIp, request.Body)).Action == WafAction.Block;
        return ValueTask.FromResult(blocked ? GatewayResponse.WafFiltered : null);
    }
}

/// <summary>
/// The API method for the path and verb; none is MISSING_AUTHENTICATION_TOKEN, API Gateway's answer to an unknown route.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
/// </summary>
public sealed class RouteStep : IGatewayStep
{
    public ValueTask<GatewayResponse?> RunAsync(GatewayRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var method = request.Context.Request.Method;
        request.Route = request.Routes.Match(request.Path, method);
        if (request.Route is null)
        {
            return ValueTask.FromResult<GatewayResponse?>(GatewayResponse.MissingAuthenticationToken);
        }

        // The server span's name and http.route are the catch-all endpoint's (ASP.NET Core's instrumentation sets them
        // when the request ends), so the API method it served is a tag of its own.
        Activity.Current?.SetTag("securelambda.gateway.method", $"{method} /{request.Stage.StageName}{request.Route.Method.ResourcePath}");
        return ValueTask.FromResult<GatewayResponse?>(null);
    }
}

/// <summary>
/// The stage's and method's throttling, before the authorizer, so that a flood costs no token validation.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
/// </summary>
public sealed class ThrottleStep : IGatewayStep
{
    public ValueTask<GatewayResponse?> RunAsync(GatewayRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var span = LocalCloudTelemetry.Source.StartActivity("Throttle");
        var allowed = request.Stage.Throttle.TryAcquire(Matched(request).Method.ResourcePath, request.Context.Request.Method);
        return ValueTask.FromResult(allowed ? null : GatewayResponse.Throttled);
    }

    internal static RouteMatch Matched(GatewayRequest request) =>
        request.Route ?? throw new InvalidOperationException("The route step runs before this one.");
}

/// <summary>
/// The method's Cognito user pool authorizer: the identity source's token must be valid for one of its pools.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html
/// </summary>
public sealed partial class AuthorizerStep(CognitoTokenValidator authorizer, ILogger<GatewayPipeline> logger) : IGatewayStep
{
    public async ValueTask<GatewayResponse?> RunAsync(GatewayRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ThrottleStep.Matched(request).Method.Authorizer is not { } settings)
        {
            return null;
        }

        AuthorizerResult result;
        try
        {
            var token = request.Context.Request.Headers[settings.IdentitySourceHeader].FirstOrDefault();
            result = await authorizer.AuthorizeAsync(token, settings, request.Context.RequestAborted);
        }
        catch (JwksUnavailableException exception)
        {
            // The pool's keys could not be fetched from the engine: AWS's answer to an authorizer it cannot run.
            LogAuthorizerUnavailable(exception, settings.AuthorizerName);
            return GatewayResponse.AuthorizerConfigurationError;
        }

        if (!result.IsAuthorized)
        {
            return GatewayResponse.ForRefusedToken(result.Failure);
        }

        request.Claims = result.Claims;
        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The keys of authorizer {Authorizer}'s user pool could not be fetched from the engine")]
    private partial void LogAuthorizerUnavailable(Exception exception, string authorizer);
}

/// <summary>
/// The API key, after the authorizer (which can itself supply the key, with the AUTHORIZER key source): the
/// <c>x-api-key</c> header (the API's HEADER key source) must hold the value of an enabled key in a usage plan that
/// covers the stage, else INVALID_API_KEY (403 "Forbidden"); then that plan's quota (QUOTA_EXCEEDED, 429 "Limit
/// Exceeded") and throttle (THROTTLED, 429 "Too Many Requests") apply. AWS applies the plan's limits before the
/// stage's, and this step runs after the stage's throttle (which spares the authorizer a flood), so a request it
/// refuses gets its stage tokens back: it never counted against the stage.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
/// </summary>
public sealed class ApiKeyStep(UsageMeter meter) : IGatewayStep
{
    public const string Header = "x-api-key";

    public ValueTask<GatewayResponse?> RunAsync(GatewayRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var method = ThrottleStep.Matched(request).Method;
        if (!method.ApiKeyRequired)
        {
            return ValueTask.FromResult<GatewayResponse?>(null);
        }

        using var span = LocalCloudTelemetry.Source.StartActivity("API key");
        var stage = request.Stage;
        var value = request.Context.Request.Headers[Header].FirstOrDefault();
        var key = string.IsNullOrEmpty(value) ? null : stage.UsagePlans.FindByValue(value);
        var plan = key is { Enabled: true } ? stage.UsagePlans.PlanFor(key.Id, stage.ApiId, stage.StageName) : null;
        var (result, refusal) = (value, key, plan) switch
        {
            (null or "", _, _) => ("missing", GatewayResponse.InvalidApiKey),
            (_, null, _) => ("unknown", GatewayResponse.InvalidApiKey),
            (_, { Enabled: false }, _) => ("disabled", GatewayResponse.InvalidApiKey),
            (_, _, null) => ("not-in-a-plan-of-the-stage", GatewayResponse.InvalidApiKey),
            _ => meter.Admit(plan, key.Id) switch
            {
                UsageDecision.QuotaExceeded => ("quota-exceeded", GatewayResponse.QuotaExceeded),
                UsageDecision.Throttled => ("throttled", GatewayResponse.Throttled),
                _ => ("allowed", (GatewayResponse?)null),
            },
        };

        span?.SetTag("securelambda.apikey.result", result);
        if (key is not null)
        {
            span?.SetTag("securelambda.apikey.id", key.Id);
        }

        if (plan is not null)
        {
            span?.SetTag("securelambda.usageplan.id", plan.Id);
        }

        request.ApiKey = refusal is null ? key : null;
        if (refusal is not null)
        {
            stage.Throttle.Refund(method.ResourcePath, request.Context.Request.Method);
        }

        return ValueTask.FromResult(refusal);
    }
}

/// <summary>
/// The method's request validator: a body that does not conform to the model for its content type is BAD_REQUEST_BODY.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html
/// </summary>
public sealed class RequestValidationStep : IGatewayStep
{
    public ValueTask<GatewayResponse?> RunAsync(GatewayRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ThrottleStep.Matched(request).Method.BodyModels is not { } models
            || RequestBodyValidator.SchemaFor(models, request.Context.Request.ContentType) is not { } schema)
        {
            return ValueTask.FromResult<GatewayResponse?>(null);
        }

        using var span = LocalCloudTelemetry.Source.StartActivity("Request validation");
        if (!RequestBodyValidator.IsValid(schema, request.BodyText, out var reason))
        {
            span?.SetTag("securelambda.validation.result", "invalid");
            span?.SetTag("securelambda.validation.reason", reason);
            return ValueTask.FromResult<GatewayResponse?>(GatewayResponse.BadRequestBody);
        }

        span?.SetTag("securelambda.validation.result", "valid");
        return ValueTask.FromResult<GatewayResponse?>(null);
    }
}
