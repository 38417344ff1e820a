namespace SecureLambda.Aws.Core;

/// <summary>
/// Which operations may be sent again after a request may already have reached the service. The SDKs' standard retry
/// mode retries 5xx replies and dropped connections for every operation
/// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html); for an operation that creates or
/// sends something a second send can do it twice (two SNS messages, a second Cognito user invitation), so only
/// read-only operations and the writes AWS documents as idempotent are retried after that point.
/// </summary>
public static class AwsOperationIdempotency
{
    /// <summary>Reads: their names start with one of these verbs in every AWS API.</summary>
    private static readonly string[] ReadOnlyPrefixes = ["Get", "List", "Describe", "AdminGet"];

    /// <summary>Writes that AWS documents as idempotent.</summary>
    private static readonly HashSet<string> IdempotentWrites = new(StringComparer.Ordinal)
    {
        // "This action is idempotent, so if the requester already owns a topic with the specified name, that topic's
        // ARN is returned without creating a new topic." (https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html)
        "CreateTopic",
    };

    public static bool IsIdempotent(string operation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(operation);
        return IdempotentWrites.Contains(operation)
            || ReadOnlyPrefixes.Any(prefix => operation.StartsWith(prefix, StringComparison.Ordinal)
                && operation.Length > prefix.Length && char.IsUpper(operation[prefix.Length]));
    }
}
