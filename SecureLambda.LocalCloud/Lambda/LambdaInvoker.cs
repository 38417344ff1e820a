using System.Diagnostics;
using System.Text.Json;
using SecureLambda.Aws.Tracing;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Diagnostics;
using SecureLambda.LocalCloud.Faults;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>
/// Invokes a function and traces it: the invocation is a client span whose context travels to the function process
/// in <c>Lambda-Runtime-Trace-Id</c>, so the function's own span joins the caller's trace. Every invocation, whoever
/// makes it (the gateway, SNS delivery, the Invoke API, Event invokes), is where the Lambda fault rules apply: a
/// matching rule delays it and, with an error, fails it without the function process ever seeing the event.
/// </summary>
public sealed partial class LambdaInvoker(FaultInjector faults, ILogger<LambdaInvoker> logger)
{
    /// <summary>Invokes the function, with the fault the rules pick for this invocation, if any.</summary>
    public Task<InvocationResult> InvokeAsync(LocalFunction function, byte[] payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        return InvokeAsync(function, payload, faults.PickForInvocation(function.Definition), cancellationToken);
    }

    /// <summary>
    /// Invokes the function with a fault already picked (by the Invoke API, which rolls once per call), or none.
    /// A rule's error fails the invocation: a Lambda service error of 429 as a throttle
    /// (<see cref="InvocationStatus.Throttled"/>, which asynchronous delivery retries without counting), every other
    /// error as a function error with <c>{"errorType": code, "errorMessage": message}</c>, which the gateway answers
    /// 502 and asynchronous delivery retries and finally sends to the on-failure destination.
    /// </summary>
    public async Task<InvocationResult> InvokeAsync(LocalFunction function, byte[] payload, FaultRule? fault, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var name = function.Definition.FunctionName;
        // Started even when nothing listens, so the function always gets a trace header, as Lambda always passes one.
        using var activity = LocalCloudTelemetry.Source.StartActivity($"Lambda invoke {name}", ActivityKind.Client)
            ?? new Activity($"Lambda invoke {name}").Start();
        activity.SetTag("faas.invoked_name", name);
        activity.SetTag("faas.invoked_provider", "aws");
        var traceHeader = XRayTraceHeader.Format(activity.Context);

        var result = fault is null ? null : await ApplyAsync(function, fault, cancellationToken);
        result ??= await function.InvokeAsync(payload, traceHeader, cancellationToken);
        activity.SetTag("faas.invocation_id", result.RequestId);
        activity.SetTag("securelambda.lambda.status", result.Status.ToString());
        if (!result.Succeeded)
        {
            activity.SetStatus(ActivityStatusCode.Error, result.ErrorType ?? result.Status.ToString());
        }

        switch (result.Status)
        {
            case InvocationStatus.NoRuntime:
                LogNoRuntime(name, function.Definition.Timeout, function.Definition.LogicalId);
                break;
            case InvocationStatus.TimedOut:
                LogTimedOut(name, result.RequestId, function.Definition.Timeout);
                break;
            case InvocationStatus.Throttled:
                LogThrottled(name, ThrottleReason(function.Definition, result.ErrorType));
                break;
            case InvocationStatus.FunctionError:
                LogFunctionError(name, result.RequestId, result.ErrorType);
                break;
        }

        return result;
    }

    /// <summary>The fault's delay, then its error as the invocation's outcome; null when the function is to run after all.</summary>
    private async Task<InvocationResult?> ApplyAsync(LocalFunction function, FaultRule fault, CancellationToken cancellationToken)
    {
        await faults.ApplyAsync(fault, $"lambda.Invoke {function.Definition.FunctionName}", cancellationToken);
        if (fault.Error is not { } error)
        {
            return null;
        }

        var requestId = Guid.NewGuid().ToString();
        return fault.IsLambdaServiceError && error.StatusCode == StatusCodes.Status429TooManyRequests
            ? new InvocationResult(requestId, InvocationStatus.Throttled, [], error.Code)
            : new InvocationResult(requestId, InvocationStatus.FunctionError, ErrorDocument(error), error.Code);
    }

    /// <summary>Why an invocation was throttled, in the words of the limit it met.</summary>
    private static string ThrottleReason(LambdaFunctionDefinition function, string? errorType) => errorType switch
    {
        LocalFunction.ReservedConcurrencyExceeded =>
            $"more invocations at once than its reserved concurrency of {function.ReservedConcurrency} ({errorType})",
        null => "its queue of invocations waiting for an execution environment is full",
        _ => $"a fault rule's {errorType}",
    };

    /// <summary>The error document a runtime posts for an unhandled error (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-invokeerror).</summary>
    private static byte[] ErrorDocument(FaultError error)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("errorType", error.Code);
            writer.WriteString("errorMessage", error.Message);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "No process polled function {FunctionName} within its timeout {Timeout}: start one with AWS_LAMBDA_RUNTIME_API=<localcloud host:port>/{LogicalId}/<its secret, LocalCloud:Lambda:RuntimeApiSecrets:{LogicalId}>")]
    private partial void LogNoRuntime(string functionName, TimeSpan timeout, string logicalId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName} did not answer invocation {RequestId} within its timeout {Timeout}")]
    private partial void LogTimedOut(string functionName, string requestId, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName} throttled an invocation: {Reason}")]
    private partial void LogThrottled(string functionName, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName} failed invocation {RequestId} with {ErrorType}")]
    private partial void LogFunctionError(string functionName, string requestId, string? errorType);
}
