using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SecureLambda.Aws.Lambda;
using SecureLambda.LocalCloud.Hosting;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>
/// The Lambda Runtime API (2018-06-01) for every function of the stack, under the function's own path prefix
/// (<c>/{function}/{secret}/2018-06-01/runtime/…</c>), so that one LocalCloud serves all the function processes: each is
/// started with <c>AWS_LAMBDA_RUNTIME_API=host:port/{function}/{secret}</c>. Without the function's secret
/// (<see cref="RuntimeApiKeys"/>) nothing is served: no event is handed out and no answer taken, so a process that only
/// knows the function's name can neither read another user's event nor answer it.
/// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
/// </summary>
public static partial class RuntimeApiEndpoints
{
    /// <summary>Lambda's limit on a synchronous response payload (6 MB).</summary>
    public const int MaxResponseBytes = 6 * 1024 * 1024;

    public static IEndpointRouteBuilder MapLambdaRuntimeApi(this IEndpointRouteBuilder endpoints)
    {
        var runtime = endpoints.MapGroup($"/{{function}}/{{secret}}/{RuntimeApi.Root}").ExcludeFromDescription();
        runtime.AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            var function = (string)context.Request.RouteValues["function"]!;
            // The secret stays out of the traces: the server span shows the route, not the path that carries it.
            Activity.Current?.SetTag("url.path", $"/{function}/{{secret}}/{RuntimeApi.Root}/…");
            var target = await context.RequestServices.GetRequiredService<LambdaFunctions>().FindAsync(function, context.RequestAborted);
            if (target is null
                || !context.RequestServices.GetRequiredService<RuntimeApiKeys>().Admits(target.Definition, (string)context.Request.RouteValues["secret"]!))
            {
                // One answer for an unknown function and a wrong secret, so neither can be told apart from outside.
                await WriteErrorAsync(context, StatusCodes.Status403Forbidden, "AccessDenied", "This Runtime API serves only the function process it was made for.");
                return Results.Empty;
            }

            context.Items[typeof(LocalFunction)] = target;
            return await next(invocation);
        });
        runtime.MapGet(RuntimeApi.NextInvocation, NextAsync);
        runtime.MapPost(RuntimeApi.InvocationResponseRoute, (string requestId, HttpContext context) =>
            CompleteAsync(requestId, InvocationStatus.Succeeded, context));
        runtime.MapPost(RuntimeApi.InvocationErrorRoute, (string requestId, HttpContext context) =>
            CompleteAsync(requestId, InvocationStatus.FunctionError, context));
        runtime.MapPost(RuntimeApi.InitError, InitErrorAsync);
        return endpoints;
    }

    private static LocalFunction Admitted(HttpContext context) => (LocalFunction)context.Items[typeof(LocalFunction)]!;

    private static async Task NextAsync(HttpContext context, ExecutionEnvironments environments)
    {
        var target = Admitted(context);
        // An environment LocalCloud started is past its cold start once it asks for an event.
        environments.Polled(target.Definition.LogicalId, (string)context.Request.RouteValues["secret"]!);

        PendingInvocation invocation;
        try
        {
            invocation = await target.NextAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var headers = context.Response.Headers;
        headers[RuntimeApi.Headers.RequestId] = invocation.RequestId;
        headers[RuntimeApi.Headers.DeadlineMs] = invocation.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        headers[RuntimeApi.Headers.InvokedFunctionArn] = target.Definition.Arn;
        if (invocation.TraceHeader is not null)
        {
            headers[RuntimeApi.Headers.TraceId] = invocation.TraceHeader;
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(invocation.Payload, context.RequestAborted);
    }

    private static async Task CompleteAsync(string requestId, InvocationStatus status, HttpContext context)
    {
        var target = Admitted(context);

        var body = await RequestBodies.ReadAsync(context.Request, MaxResponseBytes, context.RequestAborted);
        if (body is null)
        {
            // Lambda fails the invocation itself when a response exceeds 6 MB, rather than leave it to time out
            // (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
            target.Complete(requestId, InvocationStatus.FunctionError, JsonSerializer.SerializeToUtf8Bytes(
                new RuntimeApiError($"Response payload size exceeded maximum allowed payload size ({MaxResponseBytes} bytes).", "Function.ResponseSizeTooLarge"),
                RuntimeApiJsonContext.Default.RuntimeApiError), "Function.ResponseSizeTooLarge");
            await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, "RequestEntityTooLarge", $"The response is larger than {MaxResponseBytes} bytes.");
            return;
        }

        var errorType = status == InvocationStatus.FunctionError ? ErrorType(context.Request, body) : null;
        if (!target.Complete(requestId, status, body, errorType))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "InvalidRequestID", $"Request {requestId} is not running (unknown, finished, or timed out).");
            return;
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsJsonAsync(RuntimeApiStatus.Ok, RuntimeApiJsonContext.Default.RuntimeApiStatus, cancellationToken: context.RequestAborted);
    }

    private static async Task InitErrorAsync(HttpContext context, ILoggerFactory loggers)
    {
        var function = Admitted(context);
        var body = await RequestBodies.ReadAsync(context.Request, MaxResponseBytes, context.RequestAborted) ?? [];
        var errorType = ErrorType(context.Request, body);
        function.ReportInitError(errorType);
        LogInitError(loggers.CreateLogger(typeof(RuntimeApiEndpoints).FullName!), function.Definition.LogicalId, errorType, System.Text.Encoding.UTF8.GetString(body));
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsJsonAsync(RuntimeApiStatus.Ok, RuntimeApiJsonContext.Default.RuntimeApiStatus, cancellationToken: context.RequestAborted);
    }

    /// <summary>The error type: the <see cref="RuntimeApi.Headers.FunctionErrorType"/> header, else the document's <c>errorType</c>.</summary>
    private static string? ErrorType(HttpRequest request, byte[] body)
    {
        if (request.Headers[RuntimeApi.Headers.FunctionErrorType].FirstOrDefault() is { Length: > 0 } header)
        {
            return header;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("errorType", out var type)
                ? type.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string errorType, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new RuntimeApiError(message, errorType), RuntimeApiJsonContext.Default.RuntimeApiError, contentType: null, context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function} failed to initialize ({ErrorType}): {Error}")]
    private static partial void LogInitError(ILogger logger, string function, string? errorType, string error);
}
