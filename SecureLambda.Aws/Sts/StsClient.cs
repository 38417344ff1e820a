using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Sdk;

namespace SecureLambda.Aws.Sts;

/// <summary>
/// STS through AWSSDK.SecurityToken (served here), signed with the context's credentials through the one bridge:
/// <c>GetCallerIdentity</c> (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html) and
/// <c>AssumeRole</c> (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
/// </summary>
public sealed class StsClient(IAmazonSecurityTokenService sts) : IDisposable
{
    public static StsClient Create(AwsClientContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var config = new AmazonSecurityTokenServiceConfig();
        AwsSdkClientConfig.Apply(config, context, AwsServiceDescriptor.Sts);
        return new StsClient(new AmazonSecurityTokenServiceClient(context.Credentials.ToSdkCredentials(), config));
    }

    /// <summary>The account the credentials belong to.</summary>
    public async Task<string> GetAccountIdAsync(CancellationToken cancellationToken)
    {
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken);
        return string.IsNullOrEmpty(identity.Account)
            ? throw new InvalidOperationException("GetCallerIdentity answered without an Account.")
            : identity.Account;
    }

    /// <summary>Temporary credentials of <paramref name="roleArn"/>.</summary>
    public async Task<AwsCredentials> AssumeRoleAsync(string roleArn, string sessionName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(roleArn);
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionName);
        var reply = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = sessionName }, cancellationToken);
        var credentials = reply.Credentials ?? throw new InvalidOperationException($"AssumeRole of {roleArn} answered without Credentials.");
        return new AwsCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken);
    }

    public void Dispose() => sts.Dispose();
}
