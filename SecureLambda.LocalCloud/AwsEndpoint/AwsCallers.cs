using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SecureLambda.Aws.Signing;
using SecureLambda.LocalCloud.Lambda;

namespace SecureLambda.LocalCloud.AwsEndpoint;

/// <summary>
/// The temporary credentials a function process calls AWS with, as Lambda hands a function its execution role's
/// session in <c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c> and <c>AWS_SESSION_TOKEN</c>
/// (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html). Set per function, by logical id, in
/// <c>LocalCloud:Lambda:Credentials:{LogicalId}</c>; the AppHost makes fresh ones every run
/// (<see cref="SecureLambda.Aws.Core.AwsCredentials.NewTemporary"/>).
/// </summary>
public sealed class FunctionCredentialsOptions
{
    public string AccessKeyId { get; set; } = string.Empty;

    public string SecretAccessKey { get; set; } = string.Empty;

    public string SessionToken { get; set; } = string.Empty;
}

/// <summary>Who signed a request to the AWS endpoint.</summary>
public abstract record AwsCaller
{
    /// <summary>Any credentials but a function's, like the README's <c>test</c>/<c>test</c>: the account's administrator, as an admin profile would be.</summary>
    public sealed record Administrator(string AccessKeyId) : AwsCaller;

    /// <summary>A function process, with its role session's credentials, signature and token verified.</summary>
    public sealed record FunctionRole(string FunctionLogicalId) : AwsCaller;

    /// <summary>No signature: AWS serves only the few operations that take none (Cognito's sign-in calls).</summary>
    public sealed record Anonymous : AwsCaller;

    /// <summary>A function's access key with a signature or token that does not verify, answered as AWS answers it.</summary>
    public sealed record Refused(SigV4Outcome Outcome, string Message) : AwsCaller;
}

/// <summary>
/// Tells the callers of the AWS endpoint apart by their access key id. A function's credentials are verified exactly:
/// the SigV4 signature with its secret (<see cref="SigV4Verifier"/>) and <c>X-Amz-Security-Token</c> against its
/// session token, so that a process that knows only a function's key id cannot act as its role.
/// </summary>
public sealed class AwsCallers(IOptions<LocalLambdaOptions> options, AccountCredentials account, TimeProvider timeProvider)
{
    private const string InvalidToken = "The security token included in the request is invalid.";

    private readonly Dictionary<string, (string LogicalId, FunctionCredentialsOptions Credentials)> _byAccessKey =
        options.Value.Credentials
            .Where(entry => entry.Value.AccessKeyId.Length > 0)
            .ToDictionary(entry => entry.Value.AccessKeyId, entry => (entry.Key, entry.Value), StringComparer.Ordinal);

    /// <summary>
    /// The access key id a request is signed with (<see cref="AwsRequestClassifier.CredentialOf"/>'s first part); null
    /// for an unsigned request, empty for one whose signature names none.
    /// </summary>
    public static string? AccessKeyIdOf(Func<string, IReadOnlyList<string>> header, Func<string, string?> query) =>
        AwsRequestClassifier.CredentialOf(header, query)?.Split('/', 2)[0].Trim();

    /// <summary>Whether the key id is one of the functions' (whose requests must then be read whole to verify).</summary>
    public bool IsFunctionKey(string? accessKeyId) => accessKeyId is not null && _byAccessKey.ContainsKey(accessKeyId);

    /// <summary>
    /// Who signed <paramref name="request"/> with <paramref name="accessKeyId"/> (<see cref="AccessKeyIdOf"/>); a
    /// function's request is verified against its whole body, which <paramref name="request"/> then carries.
    /// </summary>
    public AwsCaller Identify(SigV4Request request, string? accessKeyId, string service)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (accessKeyId is null)
        {
            return new AwsCaller.Anonymous();
        }

        if (accessKeyId.Length == 0)
        {
            return new AwsCaller.Refused(SigV4Outcome.IncompleteSignature, "Authorization header requires 'Credential' parameter.");
        }

        if (!_byAccessKey.TryGetValue(accessKeyId, out var function))
        {
            return new AwsCaller.Administrator(accessKeyId);
        }

        if (request.Headers("Authorization").Count == 0)
        {
            // A presigned URL with a function's key: Lambda's role sessions sign requests, they do not presign them.
            return new AwsCaller.Refused(SigV4Outcome.InvalidSignature, "LocalCloud verifies a function's requests in the Authorization header only.");
        }

        var verification = SigV4Verifier.Verify(
            request,
            key => key == function.Credentials.AccessKeyId ? function.Credentials.SecretAccessKey : null,
            service,
            account.Region,
            timeProvider.GetUtcNow());
        if (!verification.IsValid)
        {
            return new AwsCaller.Refused(verification.Outcome, verification.Message);
        }

        // A role session's requests carry its token; without it, or with another, AWS does not recognise the key.
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_use-resources.html
        return request.Headers("X-Amz-Security-Token") is [var token]
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(function.Credentials.SessionToken))
            ? new AwsCaller.FunctionRole(function.LogicalId)
            : new AwsCaller.Refused(SigV4Outcome.UnknownAccessKey, InvalidToken);
    }
}
