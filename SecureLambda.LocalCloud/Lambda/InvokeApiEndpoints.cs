using System.Diagnostics;
using System.Text.Json.Serialization;
using SecureLambda.Aws.Lambda;
using SecureLambda.Aws.Signing;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Faults;
using SecureLambda.LocalCloud.Hosting;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>
/// The Lambda <c>Invoke</c> API, so that <c>aws lambda invoke --endpoint-url http://localhost:4567 …</c> and the SDKs
/// work against LocalCloud. Answers as Lambda does: a function error is still 200, marked with
/// <c>X-Amz-Function-Error: Unhandled</c>; service errors carry <c>x-amzn-ErrorType</c>. Only a request signed (SigV4)
/// with the account's credentials is served, as Lambda serves only signed requests; an unsigned, mis-signed or foreign
/// request is refused with 403 before anything else happens, so no web page or stray process can invoke a function.
/// A Lambda fault rule with a service error (a status other than 200) is this API's answer to a matching call of any
/// invocation type, after its delay; any other matching rule is the invocation's (<see cref="LambdaInvoker"/>).
/// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html,
/// https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html
/// </summary>
public static class InvokeApiEndpoints
{
    /// <summary>Lambda's limits on the request payload: 6 MB synchronous, 1 MB asynchronous.</summary>
    public const int MaxSyncPayloadBytes = 6 * 1024 * 1024;
    public const int MaxAsyncPayloadBytes = 1024 * 1024;

    /// <summary>
    /// Set in <see cref="HttpContext.Items"/> by the AWS endpoint once it has verified a function's role session and IAM
    /// allowed the call: the request is then not checked again against the account's credentials.
    /// </summary>
    public const string VerifiedCallerItem = "SecureLambda.LocalCloud.Lambda.VerifiedCaller";

    public static IEndpointRouteBuilder MapLambdaInvokeApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/2015-03-31/functions/{function}/invocations", InvokeAsync).ExcludeFromDescription();
        endpoints.MapGet("/2015-03-31/functions/{function}/configuration", GetConfigurationAsync).ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>
    /// <c>GetFunctionConfiguration</c>: the function as the stack defines it, with its environment resolved against the
    /// engine, so that whatever starts a function process can give it what Lambda gives a function. Signed requests
    /// only, like <c>Invoke</c>: the environment can hold what only the account may read. While the stack is still being
    /// provisioned, a function whose own resource is created is answered at once (<see cref="ProvisioningProgress"/>).
    /// https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionConfiguration.html
    /// </summary>
    private static async Task GetConfigurationAsync(
        string function, HttpContext context, LambdaFunctions functions, ProvisioningProgress provisioning, AccountCredentials account, TimeProvider timeProvider)
    {
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        var verification = Verify(context, [], account, timeProvider);
        if (!verification.IsValid)
        {
            await WriteAuthenticationErrorAsync(context, verification);
            return;
        }

        var name = Uri.UnescapeDataString(function);
        var created = await provisioning.FunctionAsync(resource => DataPlaneBuilder.Function(resource).IsNamedBy(name), context.RequestAborted);
        if ((created is not null ? DataPlaneBuilder.Function(created) : (await functions.FindAsync(name, context.RequestAborted))?.Definition) is not { } definition)
        {
            await WriteServiceErrorAsync(context, StatusCodes.Status404NotFound, "ResourceNotFoundException", $"Function not found: {function}");
            return;
        }

        // A function of the stack is always active, at its only version.
        await context.Response.WriteAsJsonAsync(
            new FunctionConfiguration(
                definition.FunctionName,
                definition.Arn,
                definition.Runtime,
                definition.Role,
                definition.Handler,
                (int)definition.Timeout.TotalSeconds,
                definition.MemorySize,
                new FunctionEnvironment(definition.Environment),
                Version: "$LATEST",
                PackageType: "Zip",
                State: "Active",
                LastUpdateStatus: "Successful"),
            LambdaJsonContext.Default.FunctionConfiguration, contentType: null, context.RequestAborted);
    }

    private static async Task InvokeAsync(
        string function,
        HttpContext context,
        LambdaFunctions functions,
        LambdaInvoker invoker,
        AsyncInvocations asyncInvocations,
        FaultInjector faults,
        AccountCredentials account,
        TimeProvider timeProvider)
    {
        var cancellationToken = context.RequestAborted;
        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;

        var invocationType = context.Request.Headers["X-Amz-Invocation-Type"].FirstOrDefault() ?? "RequestResponse";
        var limit = invocationType == "Event" ? MaxAsyncPayloadBytes : MaxSyncPayloadBytes;
        var body = await RequestBodies.ReadAsync(context.Request, limit, cancellationToken);
        if (body is null)
        {
            await WriteServiceErrorAsync(context, StatusCodes.Status413PayloadTooLarge, "RequestTooLargeException",
                $"Request must be smaller than {limit} bytes for the {invocationType} invocation type");
            return;
        }

        var verification = Verify(context, body, account, timeProvider);
        if (!verification.IsValid)
        {
            await WriteAuthenticationErrorAsync(context, verification);
            return;
        }

        var target = await functions.FindAsync(Uri.UnescapeDataString(function), cancellationToken);
        if (target is null)
        {
            await WriteServiceErrorAsync(context, StatusCodes.Status404NotFound, "ResourceNotFoundException", $"Function not found: {function}");
            return;
        }

        // One roll per call: a service error answers the call itself; a function error or a delay is the
        // synchronous invocation's, while each attempt of an Event invocation rolls again, as each is an invocation.
        var fault = faults.PickForInvocation(target.Definition);
        if (fault is { IsLambdaServiceError: true, Error: { } serviceError })
        {
            await faults.ApplyAsync(fault, $"lambda.Invoke {target.Definition.FunctionName}", cancellationToken);
            await WriteServiceErrorAsync(context, serviceError.StatusCode!.Value, serviceError.Code, serviceError.Message);
            return;
        }

        var payload = body.Length == 0 ? "{}"u8.ToArray() : body;
        switch (invocationType)
        {
            case "RequestResponse":
                await RespondAsync(context, target, await invoker.InvokeAsync(target, payload, fault, cancellationToken));
                return;
            case "Event":
                asyncInvocations.Accept(target.Definition, payload, eventKey: null, Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null, topicArn: null);
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                return;
            case "DryRun":
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            default:
                await WriteServiceErrorAsync(context, StatusCodes.Status400BadRequest, "InvalidParameterValueException",
                    $"Unsupported invocation type '{invocationType}'; expected RequestResponse, Event or DryRun.");
                return;
        }
    }

    private static async Task RespondAsync(HttpContext context, LocalFunction function, InvocationResult result)
    {
        context.Response.Headers["X-Amz-Executed-Version"] = "$LATEST";
        switch (result.Status)
        {
            case InvocationStatus.Succeeded:
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(result.Payload, context.RequestAborted);
                return;
            case InvocationStatus.FunctionError:
                context.Response.Headers["X-Amz-Function-Error"] = "Unhandled";
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(result.Payload, context.RequestAborted);
                return;
            case InvocationStatus.TimedOut:
                // What Lambda returns for a function that outlives its timeout.
                context.Response.Headers["X-Amz-Function-Error"] = "Unhandled";
                await context.Response.WriteAsJsonAsync(
                    new FunctionErrorDocument($"RequestId: {result.RequestId} Error: Task timed out after {function.Definition.Timeout.TotalSeconds:0.00} seconds", "Sandbox.Timedout"),
                    InvokeApiJsonContext.Default.FunctionErrorDocument, contentType: null, context.RequestAborted);
                return;
            case InvocationStatus.Throttled:
                // https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors: the Reason says which limit.
                await WriteServiceErrorAsync(context, StatusCodes.Status429TooManyRequests, "TooManyRequestsException", "Rate Exceeded.", result.ErrorType);
                return;
            default:
                await WriteServiceErrorAsync(context, StatusCodes.Status502BadGateway, "ResourceNotReadyException",
                    $"No process is polling the Runtime API of {function.Definition.FunctionName}; start it with AWS_LAMBDA_RUNTIME_API=<localcloud host:port>/{function.Definition.LogicalId}/<its secret, LocalCloud:Lambda:RuntimeApiSecrets:{function.Definition.LogicalId}>");
                return;
        }
    }

    private static SigV4Verification Verify(HttpContext context, byte[] body, AccountCredentials account, TimeProvider timeProvider)
    {
        if (context.Items[VerifiedCallerItem] is true)
        {
            return new SigV4Verification(SigV4Outcome.Valid, "OK");
        }

        var request = context.Request;
        return SigV4Verifier.Verify(
            new SigV4Request(request.Method, RequestTargets.Raw(context), name => request.Headers[name].OfType<string>().ToList(), body),
            account.SecretFor,
            "lambda",
            account.Region,
            timeProvider.GetUtcNow());
    }

    /// <summary>
    /// AWS's answers to a request it cannot authenticate, all 403: <c>MissingAuthenticationTokenException</c>
    /// (<c>{"message":"Missing Authentication Token"}</c>), <c>IncompleteSignatureException</c>,
    /// <c>UnrecognizedClientException</c> and <c>InvalidSignatureException</c>.
    /// https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html
    /// </summary>
    private static Task WriteAuthenticationErrorAsync(HttpContext context, SigV4Verification verification)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.Headers["x-amzn-ErrorType"] = verification.Outcome switch
        {
            SigV4Outcome.MissingAuthentication => "MissingAuthenticationTokenException",
            SigV4Outcome.IncompleteSignature => "IncompleteSignatureException",
            SigV4Outcome.UnknownAccessKey => "UnrecognizedClientException",
            _ => "InvalidSignatureException",
        };
        return context.Response.WriteAsJsonAsync(new AuthenticationError(verification.Message), InvokeApiJsonContext.Default.AuthenticationError, contentType: null, context.RequestAborted);
    }

    private static Task WriteServiceErrorAsync(HttpContext context, int status, string errorType, string message, string? reason = null)
    {
        context.Response.StatusCode = status;
        context.Response.Headers["x-amzn-ErrorType"] = errorType;
        return context.Response.WriteAsJsonAsync(new ServiceError("User", message) { Reason = reason }, InvokeApiJsonContext.Default.ServiceError, contentType: null, context.RequestAborted);
    }
}

internal sealed record ServiceError(string Type, [property: JsonPropertyName("message")] string Message)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }
}

internal sealed record AuthenticationError([property: JsonPropertyName("message")] string Message);

internal sealed record FunctionErrorDocument(
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("errorType")] string ErrorType);

[JsonSerializable(typeof(ServiceError))]
[JsonSerializable(typeof(FunctionErrorDocument))]
[JsonSerializable(typeof(AuthenticationError))]
internal sealed partial class InvokeApiJsonContext : JsonSerializerContext;
