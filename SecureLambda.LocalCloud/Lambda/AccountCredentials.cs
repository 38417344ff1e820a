using SecureLambda.Aws.Core;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>
/// The local account's credentials, which the Invoke API accepts as the account's administrator: LocalCloud's own
/// (<c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>, as the AppHost and the README give it), else the documented
/// local pair <c>test</c>/<c>test</c>. Any other access key id is one the account does not have.
/// </summary>
public sealed class AccountCredentials(IConfiguration configuration)
{
    public const string DefaultAccessKeyId = "test";
    public const string DefaultSecretAccessKey = "test";
    public const string DefaultRegion = "us-east-1";

    private readonly (string AccessKeyId, string Secret) _account =
        configuration[EnvironmentCredentialsProvider.AccessKeyIdVariable] is { Length: > 0 } id
        && configuration[EnvironmentCredentialsProvider.SecretAccessKeyVariable] is { Length: > 0 } secret
            ? (id, secret)
            : (DefaultAccessKeyId, DefaultSecretAccessKey);

    /// <summary>The region requests must be scoped to: LocalCloud's own.</summary>
    public string Region { get; } =
        configuration[AwsRegion.RegionVariable] is { Length: > 0 } region ? region
        : configuration[AwsRegion.DefaultRegionVariable] is { Length: > 0 } fallback ? fallback
        : DefaultRegion;

    /// <summary>The secret of an access key id of the account; null for a key it does not have.</summary>
    public string? SecretFor(string accessKeyId) =>
        string.Equals(accessKeyId, _account.AccessKeyId, StringComparison.Ordinal) ? _account.Secret : null;
}
