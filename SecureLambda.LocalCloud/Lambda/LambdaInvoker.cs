using System.Diagnostics;
using SecureLambda.Aws.Tracing;
using SecureLambda.LocalCloud.Diagnostics;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>
/// Invokes a function and traces it: the invocation is a client span whose context travels to the function process
/// in <c>Lambda-Runtime-Trace-Id</c>, so the function's own span joins the caller's trace.
/// </summary>
public sealed partial class LambdaInvoker(ILogger<LambdaInvoker> logger)
{
    public async Task<InvocationResult> InvokeAsync(LocalFunction function, byte[] payload, CancellationToken cancellationToken)
    {
        var name = function.Definition.FunctionName;
        // Started even when nothing listens, so the function always gets a trace header, as Lambda always passes one.
        using var activity = LocalCloudTelemetry.Source.StartActivity($"Lambda invoke {name}", ActivityKind.Client)
            ?? new Activity($"Lambda invoke {name}").Start();
        activity.SetTag("faas.invoked_name", name);
        activity.SetTag("faas.invoked_provider", "aws");
        var traceHeader = XRayTraceHeader.Format(activity.Context);

        var result = await function.InvokeAsync(payload, traceHeader, cancellationToken);
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
                LogThrottled(name);
                break;
            case InvocationStatus.FunctionError:
                LogFunctionError(name, result.RequestId, result.ErrorType);
                break;
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "No process polled function {FunctionName} within its timeout {Timeout}: start one with AWS_LAMBDA_RUNTIME_API=<localcloud host:port>/{LogicalId}/<its secret, LocalCloud:Lambda:RuntimeApiSecrets:{LogicalId}>")]
    private partial void LogNoRuntime(string functionName, TimeSpan timeout, string logicalId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName} did not answer invocation {RequestId} within its timeout {Timeout}")]
    private partial void LogTimedOut(string functionName, string requestId, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName} has too many invocations waiting; this one was refused")]
    private partial void LogThrottled(string functionName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName} failed invocation {RequestId} with {ErrorType}")]
    private partial void LogFunctionError(string functionName, string requestId, string? errorType);
}
