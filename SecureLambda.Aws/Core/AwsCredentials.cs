using System.Security.Cryptography;

namespace SecureLambda.Aws.Core;

/// <summary>The key pair (and, for temporary credentials, the session token) that requests are signed with.</summary>
public sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    /// <summary>
    /// Fresh temporary credentials in the shape STS gives a role session: an <c>ASIA</c> access key id, a secret and a
    /// session token. Locally they stand for a function's execution-role session, which only LocalCloud and the
    /// function's process know.
    /// </summary>
    public static AwsCredentials NewTemporary() => new(
        "ASIA" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)),
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(96)));

    // Keep the secret out of logs and exception messages that format the record.
    public override string ToString() => $"AwsCredentials {{ AccessKeyId = {AccessKeyId} }}";
}

/// <summary>Where a client gets its credentials, asked once per attempt so that rotated credentials are picked up.</summary>
public interface IAwsCredentialsProvider
{
    ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken);
}
