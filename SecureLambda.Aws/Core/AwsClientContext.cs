using SecureLambda.Aws.Tracing;

namespace SecureLambda.Aws.Core;

/// <summary>Everything the clients share besides the <see cref="HttpClient"/>: who signs, where and when.</summary>
public sealed record AwsClientContext(
    IAwsCredentialsProvider Credentials,
    string Region,
    AwsEndpointResolver Endpoints,
    AwsRetryPolicy RetryPolicy,
    TimeProvider TimeProvider)
{
    /// <summary>The <c>X-Amzn-Trace-Id</c> value for the next call, or null for none (outside Lambda).</summary>
    public Func<string?> TraceHeader { get; init; } = static () => null;

    /// <summary>
    /// Credentials, region and endpoints from the environment, as a Lambda function gets them; the default retry policy
    /// and the system clock. Pass <paramref name="getEnvironmentVariable"/> to read another environment.
    /// </summary>
    public static AwsClientContext FromEnvironment(Func<string, string?>? getEnvironmentVariable = null)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        return new AwsClientContext(
            new EnvironmentCredentialsProvider(getEnvironmentVariable),
            AwsRegion.FromEnvironment(getEnvironmentVariable),
            new AwsEndpointResolver(getEnvironmentVariable),
            AwsRetryPolicy.Default,
            TimeProvider.System)
        {
            TraceHeader = LambdaTraceHeader.FromEnvironment(getEnvironmentVariable),
        };
    }
}
