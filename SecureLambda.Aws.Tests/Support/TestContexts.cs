using Microsoft.Extensions.Time.Testing;
using SecureLambda.Aws.Core;

namespace SecureLambda.Aws.Tests.Support;

/// <summary>Client contexts for tests that never leave the process.</summary>
public static class TestContexts
{
    public static readonly DateTimeOffset Start = new(2025, 11, 25, 8, 51, 30, TimeSpan.Zero);

    /// <summary>Fixed credentials, real regional endpoints (the handler answers), no backoff, a clock that ticks 1 s per read.</summary>
    public static AwsClientContext Offline(
        IReadOnlyDictionary<string, string>? environment = null,
        AwsRetryPolicy? retryPolicy = null,
        TimeProvider? timeProvider = null)
    {
        var variables = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
            ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            ["AWS_REGION"] = "us-east-1",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return AwsClientContext.FromEnvironment(variables.GetValueOrDefault) with
        {
            RetryPolicy = retryPolicy ?? new AwsRetryPolicy { BaseDelay = TimeSpan.Zero },
            TimeProvider = timeProvider ?? new FakeTimeProvider(Start) { AutoAdvanceAmount = TimeSpan.FromSeconds(1) },
        };
    }
}
