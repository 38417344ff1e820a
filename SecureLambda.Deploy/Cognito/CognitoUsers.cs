using System.Text.Json.Nodes;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Protocols;

namespace SecureLambda.Deploy.Cognito;

/// <summary>
/// Creates the first user of a pool with <c>AdminCreateUser</c>; Cognito generates a temporary password and e-mails the
/// invitation itself (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html),
/// so no password passes through this tool.
/// </summary>
public sealed class CognitoUsers(AwsJsonProtocolClient cognito)
{
    public CognitoUsers(HttpClient http, AwsClientContext context)
        : this(new AwsJsonProtocolClient(http, context, AwsServiceDescriptor.CognitoIdentityProvider, "AWSCognitoIdentityProviderService"))
    {
    }

    /// <summary>True when the user was created, false when it already existed.</summary>
    public async Task<bool> InviteAsync(string userPoolId, string email, CancellationToken cancellationToken)
    {
        // The pools use e-mail as the username (UsernameAttributes: email), so the address is the username.
        var request = new JsonObject
        {
            ["UserPoolId"] = userPoolId,
            ["Username"] = email,
            ["UserAttributes"] = new JsonArray(
                new JsonObject { ["Name"] = "email", ["Value"] = email },
                new JsonObject { ["Name"] = "email_verified", ["Value"] = "true" }),
            ["DesiredDeliveryMediums"] = new JsonArray("EMAIL"),
        };
        try
        {
            await cognito.CallAsync("AdminCreateUser", request, cancellationToken);
            return true;
        }
        catch (AwsServiceException error) when (error.ErrorCode == "UsernameExistsException")
        {
            return false;
        }
    }
}
