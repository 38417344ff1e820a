using System.Diagnostics;
using SecureLambda.Aws.Tracing;
using SecureLambda.Functions.Runtime;

namespace SecureLambda.Functions.Telemetry;

/// <summary>The spans this process starts. Names and attributes follow the OpenTelemetry FaaS conventions.</summary>
public static class FunctionTelemetry
{
    public const string SourceName = "SecureLambda.Functions";

    public static readonly ActivitySource Source = new(SourceName);

    private static readonly string FunctionName =
        Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME") ?? "SecureLambda.Functions";

    /// <summary>
    /// Starts the invocation's span as a child of <c>Lambda-Runtime-Trace-Id</c>. It is started even when nothing
    /// listens, so that the trace context still reaches SNS in the <c>traceparent</c> attribute.
    /// </summary>
    public static Activity StartInvocation(LambdaInvocation invocation)
    {
        var parent = XRayTraceHeader.TryParse(invocation.TraceId, out var context) ? context : default;
        var activity = Source.StartActivity(FunctionName, ActivityKind.Server, parent);
        if (activity is null)
        {
            activity = new Activity(FunctionName);
            if (parent != default)
            {
                activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
            }

            activity.Start();
        }

        activity.SetTag("faas.invocation_id", invocation.RequestId);
        activity.SetTag("cloud.provider", "aws");
        if (invocation.FunctionArn is not null)
        {
            activity.SetTag("cloud.resource_id", invocation.FunctionArn);
        }

        return activity;
    }

    /// <summary>Records on the current span whether the topic ARN came from the cache or from Secrets Manager.</summary>
    public static void MarkTopicArnCache(bool hit) =>
        Activity.Current?.SetTag("securelambda.topic_arn.cache", hit ? "hit" : "miss");
}
