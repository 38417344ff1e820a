using Microsoft.Extensions.Logging;
using SecureLambda.Aws.Lambda.Events;
using SecureLambda.Functions.ApiGateway;
using SecureLambda.Functions.Runtime;

namespace SecureLambda.Functions.Greetings;

/// <summary>
/// <c>_HANDLER=external</c> (ExternalLambda1 and ExternalLambda2): the proxy event in, the proxy response out.
/// A bad body is a 400 and nothing is published; a failure to publish is a 500 that names no internals.
/// </summary>
public sealed partial class ExternalGreetingHandler(GreetingForwarder forwarder, ILogger<ExternalGreetingHandler> logger)
    : IFunctionHandler<ApiGatewayProxyRequest, ApiGatewayProxyResponse>
{
    public const string CallerClaim = "cognito:username";
    public const string FailureMessage = "An error occurred, try again later.";

    public async Task<ApiGatewayProxyResponse> HandleAsync(ApiGatewayProxyRequest request, CancellationToken cancellationToken)
    {
        var greeting = GreetingRequest.Parse(request.Body, request.IsBase64Encoded);
        if (!greeting.IsValid)
        {
            LogRejected(greeting.Problem!);
            return ProxyResponses.Message(400, greeting.Problem!);
        }

        string? caller = null;
        request.RequestContext?.Authorizer?.Claims?.TryGetValue(CallerClaim, out caller);
        try
        {
            var message = await forwarder.ForwardAsync(greeting.Name!, caller, cancellationToken);
            return ProxyResponses.Message(200, message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogForwardFailed(exception);
            return ProxyResponses.Message(500, FailureMessage);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected the request: {Problem}")]
    private partial void LogRejected(string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not forward the greeting to the topic")]
    private partial void LogForwardFailed(Exception exception);
}
