namespace SecureLambda.Aws.Core;

/// <summary>The key pair (and, for temporary credentials, the session token) that requests are signed with.</summary>
public sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    // Keep the secret out of logs and exception messages that format the record.
    public override string ToString() => $"AwsCredentials {{ AccessKeyId = {AccessKeyId} }}";
}

/// <summary>Where a client gets its credentials, asked once per attempt so that rotated credentials are picked up.</summary>
public interface IAwsCredentialsProvider
{
    ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken);
}
