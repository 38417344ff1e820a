namespace SecureLambda.Aws.Sns;

/// <summary>The one SNS operation SecureLambda calls.</summary>
public interface ISnsClient
{
    /// <summary>
    /// <c>Publish</c>: returns the <c>MessageId</c>.
    /// Throws <see cref="Core.AwsServiceException"/> for an AWS error reply.
    /// </summary>
    Task<string> PublishAsync(SnsPublishRequest request, CancellationToken cancellationToken = default);
}

/// <summary>A message for a topic, with <c>String</c> message attributes.</summary>
public sealed record SnsPublishRequest(
    string TopicArn,
    string Message,
    IReadOnlyDictionary<string, string>? StringAttributes = null,
    string? Subject = null);
