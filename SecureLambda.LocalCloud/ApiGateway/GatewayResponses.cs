using System.Text.Json;
using SecureLambda.LocalCloud.Authorizers;
using SecureLambda.LocalCloud.DataPlane;

namespace SecureLambda.LocalCloud.ApiGateway;

/// <summary>
/// The gateway responses API Gateway gives on its own, by gateway response type, with AWS's exact status codes, bodies (note the
/// space after the colon where AWS writes one) and <c>x-amzn-ErrorType</c>. A template's
/// <c>AWS::ApiGateway::GatewayResponse</c> replaces them per type, with <c>DEFAULT_4XX</c>/<c>DEFAULT_5XX</c> as fallbacks.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
/// </summary>
public sealed record GatewayResponse(string ResponseType, int StatusCode, string Message, string ErrorType, bool SpaceAfterColon = false)
{
    public static readonly GatewayResponse MissingAuthenticationToken = new("MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token", "MissingAuthenticationTokenException");
    public static readonly GatewayResponse WafFiltered = new("WAF_FILTERED", 403, "Forbidden", "ForbiddenException");
    public static readonly GatewayResponse Throttled = new("THROTTLED", 429, "Too Many Requests", "TooManyRequestsException");
    /// <summary>No API key, an unknown or disabled one, or one whose usage plan does not cover the stage.</summary>
    public static readonly GatewayResponse InvalidApiKey = new("INVALID_API_KEY", 403, "Forbidden", "ForbiddenException");
    /// <summary>The key's usage plan quota for the current period is used up.</summary>
    public static readonly GatewayResponse QuotaExceeded = new("QUOTA_EXCEEDED", 429, "Limit Exceeded", "LimitExceededException");
    public static readonly GatewayResponse Unauthorized = new("UNAUTHORIZED", 401, "Unauthorized", "UnauthorizedException");
    public static readonly GatewayResponse ExpiredToken = new("UNAUTHORIZED", 401, "The incoming token has expired", "UnauthorizedException");
    public static readonly GatewayResponse AuthorizerConfigurationError = new("AUTHORIZER_CONFIGURATION_ERROR", 500, "Internal server error", "AuthorizerConfigurationException", SpaceAfterColon: true);
    public static readonly GatewayResponse BadRequestBody = new("BAD_REQUEST_BODY", 400, "Invalid request body", "BadRequestException", SpaceAfterColon: true);
    public static readonly GatewayResponse IntegrationFailure = new("DEFAULT_5XX", 502, "Internal server error", "InternalServerErrorException", SpaceAfterColon: true);
    /// <summary>The function's resource policy does not let API Gateway invoke it: "Invalid permissions on Lambda function".</summary>
    public static readonly GatewayResponse InvalidLambdaPermissions = new("DEFAULT_5XX", 500, "Internal server error", "InternalServerErrorException", SpaceAfterColon: true);
    /// <summary>
    /// Lambda throttled the invocation (past its reserved concurrency): API Gateway answers a proxy integration's
    /// throttled Lambda with 500, not 429 (https://repost.aws/knowledge-center/api-gateway-internal-server-error).
    /// </summary>
    public static readonly GatewayResponse LambdaThrottled = new("DEFAULT_5XX", 500, "Internal server error", "InternalServerErrorException", SpaceAfterColon: true);
    public static readonly GatewayResponse IntegrationTimeout = new("INTEGRATION_TIMEOUT", 504, "Endpoint request timed out", "InternalServerErrorException", SpaceAfterColon: true);
    public static readonly GatewayResponse RequestTooLarge = new("REQUEST_TOO_LARGE", 413, "Request Too Long", "RequestTooLongException");
    public static readonly GatewayResponse HeadersTooLarge = new("REQUEST_TOO_LARGE", 413, "HTTP header is larger than 10240 bytes.", "RequestTooLongException");
    public static readonly GatewayResponse StageNotFound = new("DEFAULT_4XX", 403, "Forbidden", "ForbiddenException");

    /// <summary>
    /// The gateway response for a refused token: 401 <c>{"message":"Unauthorized"}</c>, or, for an expired Cognito ID
    /// token, 401 <c>{"message":"The incoming token has expired"}</c>, which clients key their refresh on. Both are the
    /// UNAUTHORIZED gateway response (body <c>{"message":$context.error.messageString}</c>) with a different error message.
    /// </summary>
    public static GatewayResponse ForRefusedToken(AuthorizerFailure failure) => failure switch
    {
        AuthorizerFailure.MissingToken or AuthorizerFailure.InvalidToken => Unauthorized,
        AuthorizerFailure.ExpiredToken => ExpiredToken,
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, "An allowed request has no gateway response."),
    };

    /// <summary>The default JSON body, byte for byte as AWS sends it.</summary>
    public string Body => $"{{\"message\":{(SpaceAfterColon ? " " : "")}{JsonSerializer.Serialize(Message)}}}";
}

/// <summary>Writes a gateway response, applying the stage's GatewayResponse override when the template has one.</summary>
public static class GatewayResponses
{
    public static async Task WriteAsync(HttpContext context, GatewayResponse response, GatewayStage? stage, string requestId)
    {
        var status = response.StatusCode;
        var body = response.Body;
        var responses = stage?.GatewayResponses;
        var fallback = status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX";
        if (responses is not null
            && (responses.GetValueOrDefault(response.ResponseType) ?? responses.GetValueOrDefault(fallback)) is { } custom)
        {
            status = custom.StatusCode ?? status;
            foreach (var (name, value) in custom.Headers)
            {
                context.Response.Headers[name] = value;
            }

            if (custom.JsonTemplate is not null)
            {
                body = Render(custom.JsonTemplate, response, requestId, stage!);
            }
        }

        context.Response.StatusCode = status;
        context.Response.Headers["x-amzn-ErrorType"] = response.ErrorType;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>
    /// The few <c>$context</c> variables a gateway response template commonly uses; any other <c>$</c> expression is left
    /// as written, so a template that needs more shows it plainly instead of rendering wrongly.
    /// </summary>
    private static string Render(string template, GatewayResponse response, string requestId, GatewayStage stage) => template
        .Replace("$context.error.messageString", JsonSerializer.Serialize(response.Message), StringComparison.Ordinal)
        .Replace("$context.error.message", response.Message, StringComparison.Ordinal)
        .Replace("$context.error.responseType", response.ResponseType, StringComparison.Ordinal)
        .Replace("$context.requestId", requestId, StringComparison.Ordinal)
        .Replace("$context.stage", stage.StageName, StringComparison.Ordinal)
        .Replace("$context.apiId", stage.ApiId, StringComparison.Ordinal);
}
