namespace SecureLambda.Aws.Lambda;

/// <summary>
/// The Lambda Runtime API (2018-06-01) as both of its sides speak it: the function's runtime loop, LocalCloud's Runtime
/// API, the test fake and the benchmarks. Paths are relative to the base that <see cref="RuntimeApiAddress"/> builds
/// from <c>AWS_LAMBDA_RUNTIME_API</c>. https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
/// </summary>
public static class RuntimeApi
{
    public const string Version = "2018-06-01";

    /// <summary>The path below the runtime's address (and its optional prefix) where the API's routes start.</summary>
    public const string Root = Version + "/runtime";

    /// <summary>The runtime's long poll for its next event.</summary>
    public const string NextInvocation = "invocation/next";

    /// <summary>Where the runtime reports an error before it can take its first event.</summary>
    public const string InitError = "init/error";

    /// <summary>Route templates of the server side, with <c>{requestId}</c> as the route value.</summary>
    public const string InvocationResponseRoute = "invocation/{requestId}/response";

    /// <inheritdoc cref="InvocationResponseRoute"/>
    public const string InvocationErrorRoute = "invocation/{requestId}/error";

    /// <summary>The path where the runtime posts the result of invocation <paramref name="requestId"/>.</summary>
    public static string InvocationResponse(string requestId) => $"invocation/{Uri.EscapeDataString(requestId)}/response";

    /// <summary>The path where the runtime posts the error of invocation <paramref name="requestId"/>.</summary>
    public static string InvocationError(string requestId) => $"invocation/{Uri.EscapeDataString(requestId)}/error";

    /// <summary>The headers of <c>/invocation/next</c>'s answer, and the error type header of the error posts.</summary>
    public static class Headers
    {
        public const string RequestId = "Lambda-Runtime-Aws-Request-Id";

        public const string DeadlineMs = "Lambda-Runtime-Deadline-Ms";

        public const string InvokedFunctionArn = "Lambda-Runtime-Invoked-Function-Arn";

        public const string TraceId = "Lambda-Runtime-Trace-Id";

        public const string FunctionErrorType = "Lambda-Runtime-Function-Error-Type";
    }
}
