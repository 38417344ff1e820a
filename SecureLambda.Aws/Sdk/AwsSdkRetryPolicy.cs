using Amazon.Runtime;
using Amazon.Runtime.Internal;
using SecureLambda.Aws.Core;

namespace SecureLambda.Aws.Sdk;

/// <summary>
/// AWSSDK's standard retry mode with our one rule on top (<see cref="AwsRetryPolicy.MayRetry"/>): a request that may
/// have reached the service is sent again only for an idempotent operation (<see cref="AwsOperationIdempotency"/>),
/// so an SQS <c>SendMessage</c> that got a 500 is not sent twice. Throttling and connections that never opened are still
/// retried for every operation. https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
/// </summary>
public sealed class AwsSdkRetryPolicy(IClientConfig config) : StandardRetryPolicy(config)
{
    public override bool RetryForException(IExecutionContext executionContext, Exception exception) =>
        MaySendAgain(executionContext, exception) && base.RetryForException(executionContext, exception);

    public override async Task<bool> RetryForExceptionAsync(IExecutionContext executionContext, Exception exception) =>
        MaySendAgain(executionContext, exception) && await base.RetryForExceptionAsync(executionContext, exception).ConfigureAwait(false);

    /// <summary>Puts this policy in place of the SDK's own on a client's pipeline (from <c>CustomizeRuntimePipeline</c>).</summary>
    public static void Install(RuntimePipeline pipeline, IClientConfig config)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.ReplaceHandler<RetryHandler>(new RetryHandler(new AwsSdkRetryPolicy(config)));
    }

    private bool MaySendAgain(IExecutionContext executionContext, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(executionContext);
        ArgumentNullException.ThrowIfNull(exception);
        var requestName = executionContext.RequestContext.RequestName;
        var operation = requestName.EndsWith("Request", StringComparison.Ordinal) ? requestName[..^"Request".Length] : requestName;
        if (AwsOperationIdempotency.IsIdempotent(operation) || IsThrottlingError(exception))
        {
            return true;
        }

        // Not idempotent: only a connection that never opened carried nothing to the service (the SDK wraps it).
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException http && AwsRetryPolicy.NeverReachedService(http))
            {
                return true;
            }
        }

        return false;
    }
}
