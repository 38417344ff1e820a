using SecureLambda.Aws.Cognito;
using SecureLambda.Aws.Core;

namespace SecureLambda.Deploy.Cognito;

/// <summary>
/// Creates the first user of a pool with <c>AdminCreateUser</c>; Cognito generates a temporary password and e-mails the
/// invitation itself (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html),
/// so no password passes through this tool.
/// </summary>
public sealed class CognitoUsers(CognitoIdentityProviderClient cognito)
{
    public CognitoUsers(HttpClient http, AwsClientContext context)
        : this(new CognitoIdentityProviderClient(http, context))
    {
    }

    /// <summary>True when the user was created, false when it already existed.</summary>
    public async Task<bool> InviteAsync(string userPoolId, string email, CancellationToken cancellationToken)
    {
        // The pools use e-mail as the username (UsernameAttributes: email), so the address is the username.
        var request = new AdminCreateUserRequest(userPoolId, email, [new("email", email), new("email_verified", "true")])
        {
            DesiredDeliveryMediums = ["EMAIL"],
        };
        try
        {
            await cognito.AdminCreateUserAsync(request, cancellationToken);
            return true;
        }
        catch (AwsServiceException error) when (error.ErrorCode == "UsernameExistsException")
        {
            return false;
        }
    }
}
