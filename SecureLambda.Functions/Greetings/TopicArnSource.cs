using System.Text.Json;
using System.Text.Json.Serialization;
using SecureLambda.Aws.SecretsManager;
using SecureLambda.Functions.Telemetry;

namespace SecureLambda.Functions.Greetings;

/// <summary>Where the greeting topic's ARN comes from.</summary>
public interface ITopicArnSource
{
    Task<string> GetTopicArnAsync(CancellationToken cancellationToken);

    /// <summary>Forgets the cached ARN, so the next call reads the secret again.</summary>
    void Invalidate();
}

/// <summary>
/// Reads the topic ARN from the secret's <c>TOPIC_ARN</c> key and keeps it for a while, so a warm function does not call
/// Secrets Manager on every request. After a failure the cache is dropped: the secret may have been rotated to a new topic.
/// </summary>
public sealed class SecretTopicArnSource(
    ISecretsManagerClient secrets,
    string secretId,
    TimeSpan cacheDuration,
    TimeProvider timeProvider) : ITopicArnSource
{
    public const string TopicArnKey = "TOPIC_ARN";

    // No lock: a Lambda execution environment runs one invocation at a time.
    private (string Arn, DateTimeOffset Expires)? _cached;

    public async Task<string> GetTopicArnAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } cached && timeProvider.GetUtcNow() < cached.Expires)
        {
            FunctionTelemetry.MarkTopicArnCache(hit: true);
            return cached.Arn;
        }

        FunctionTelemetry.MarkTopicArnCache(hit: false);
        var secret = await secrets.GetSecretStringAsync(secretId, cancellationToken);
        var topicArn = ParseTopicArn(secretId, secret);
        _cached = (topicArn, timeProvider.GetUtcNow() + cacheDuration);
        return topicArn;
    }

    public void Invalidate() => _cached = null;

    internal static string ParseTopicArn(string secretId, string secret)
    {
        TopicSecret? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(secret, TopicSecretJsonContext.Default.TopicSecret);
        }
        catch (JsonException exception)
        {
            throw new InvalidOperationException($"Secret '{secretId}' is not a JSON object with a {TopicArnKey} key.", exception);
        }

        var arn = parsed?.TopicArn;
        if (string.IsNullOrWhiteSpace(arn) || !arn.StartsWith("arn:", StringComparison.Ordinal) || !arn.Contains(":sns:", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Secret '{secretId}' has no SNS topic ARN under {TopicArnKey}.");
        }

        return arn;
    }
}

internal sealed record TopicSecret([property: JsonPropertyName(SecretTopicArnSource.TopicArnKey)] string? TopicArn);

[JsonSerializable(typeof(TopicSecret))]
internal sealed partial class TopicSecretJsonContext : JsonSerializerContext;
