using System.Text.Json.Nodes;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Protocols;

namespace SecureLambda.Aws.Cognito;

/// <summary>
/// The Cognito user pool operations SecureLambda calls, over the JSON 1.1 protocol, without the AWS SDK package that
/// is not served here (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/Welcome.html).
/// </summary>
public sealed class CognitoIdentityProviderClient(AwsJsonProtocolClient json)
{
    public const string TargetPrefix = "AWSCognitoIdentityProviderService";
    private const int MaxListResults = 60;

    public CognitoIdentityProviderClient(HttpClient http, AwsClientContext context)
        : this(new AwsJsonProtocolClient(http, context, AwsServiceDescriptor.CognitoIdentityProvider, TargetPrefix))
    {
    }

    /// <summary>
    /// Signs a user in with <c>USER_PASSWORD_AUTH</c> and returns the tokens. <c>InitiateAuth</c> is one of Cognito's
    /// unauthenticated operations, so it goes unsigned, as the SDKs send it
    /// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html).
    /// </summary>
    /// <exception cref="CognitoChallengeException">Cognito answered with a challenge instead of tokens.</exception>
    public async Task<CognitoAuthenticationResult> InitiateUserPasswordAuthAsync(
        string clientId, string username, string password, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        ArgumentNullException.ThrowIfNull(password);
        var reply = await json.CallAsync(
            "InitiateAuth",
            new InitiateAuthRequest("USER_PASSWORD_AUTH", clientId, new Dictionary<string, string> { ["USERNAME"] = username, ["PASSWORD"] = password }),
            CognitoJsonContext.Default.InitiateAuthRequest,
            CognitoJsonContext.Default.InitiateAuthResponse,
            cancellationToken,
            signed: false);
        return reply.AuthenticationResult
            ?? throw new CognitoChallengeException(reply.ChallengeName ?? "(none)");
    }

    /// <summary>https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html</summary>
    public Task AdminCreateUserAsync(AdminCreateUserRequest request, CancellationToken cancellationToken = default) =>
        json.CallAsync("AdminCreateUser", request, CognitoJsonContext.Default.AdminCreateUserRequest, CognitoJsonContext.Default.CognitoEmptyResponse, cancellationToken);

    /// <summary>The user's status (<c>CONFIRMED</c>, <c>FORCE_CHANGE_PASSWORD</c>, ...); throws <c>UserNotFoundException</c> for none.</summary>
    public async Task<string?> AdminGetUserStatusAsync(string userPoolId, string username, CancellationToken cancellationToken = default)
    {
        var reply = await json.CallAsync(
            "AdminGetUser", new UserPoolUserRequest(userPoolId, username), CognitoJsonContext.Default.UserPoolUserRequest, CognitoJsonContext.Default.AdminGetUserResponse, cancellationToken);
        return reply.UserStatus;
    }

    /// <summary>https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminSetUserPassword.html</summary>
    public Task AdminSetUserPasswordAsync(string userPoolId, string username, string password, bool permanent, CancellationToken cancellationToken = default) =>
        json.CallAsync(
            "AdminSetUserPassword",
            new AdminSetUserPasswordRequest(userPoolId, username, password, permanent),
            CognitoJsonContext.Default.AdminSetUserPasswordRequest,
            CognitoJsonContext.Default.CognitoEmptyResponse,
            cancellationToken);

    /// <summary>Whether the pool exists; throws <c>ResourceNotFoundException</c> for one that does not.</summary>
    public Task DescribeUserPoolAsync(string userPoolId, CancellationToken cancellationToken = default) =>
        json.CallAsync("DescribeUserPool", new UserPoolRequest(userPoolId), CognitoJsonContext.Default.UserPoolRequest, CognitoJsonContext.Default.CognitoEmptyResponse, cancellationToken);

    /// <summary>
    /// <c>CreateUserPool</c> with the template's <c>AWS::Cognito::UserPool</c> properties, which carry the API's member
    /// names (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cognito-userpool.html);
    /// returns the pool id.
    /// </summary>
    public async Task<string> CreateUserPoolAsync(JsonObject request, CancellationToken cancellationToken = default)
    {
        var created = await json.CallAsync("CreateUserPool", request, cancellationToken);
        return (string?)created["UserPool"]?["Id"] ?? throw new InvalidOperationException("CreateUserPool answered without UserPool.Id.");
    }

    /// <summary>https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserPoolMfaConfig.html</summary>
    public Task SetUserPoolMfaConfigAsync(JsonObject request, CancellationToken cancellationToken = default) =>
        json.CallAsync("SetUserPoolMfaConfig", request, cancellationToken);

    /// <summary>
    /// <c>CreateUserPoolClient</c> with the template's <c>AWS::Cognito::UserPoolClient</c> properties (the API's member
    /// names); returns the client id.
    /// </summary>
    public async Task<string> CreateUserPoolClientAsync(JsonObject request, CancellationToken cancellationToken = default)
    {
        var created = await json.CallAsync("CreateUserPoolClient", request, cancellationToken);
        return (string?)created["UserPoolClient"]?["ClientId"] ?? throw new InvalidOperationException("CreateUserPoolClient answered without UserPoolClient.ClientId.");
    }

    /// <summary>https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserPoolClient.html</summary>
    public Task UpdateUserPoolClientAsync(JsonObject request, CancellationToken cancellationToken = default) =>
        json.CallAsync("UpdateUserPoolClient", request, cancellationToken);

    /// <summary>The id of the first pool named <paramref name="name"/>, every page of <c>ListUserPools</c> read until found.</summary>
    public async Task<string?> FindUserPoolIdAsync(string name, CancellationToken cancellationToken = default)
    {
        string? nextToken = null;
        do
        {
            var page = await json.CallAsync(
                "ListUserPools", new ListUserPoolsRequest(MaxListResults, nextToken), CognitoJsonContext.Default.ListUserPoolsRequest, CognitoJsonContext.Default.ListUserPoolsResponse, cancellationToken);
            if (page.UserPools?.FirstOrDefault(pool => pool.Name == name) is { } found)
            {
                return found.Id;
            }

            nextToken = page.NextToken;
        }
        while (nextToken is not null);

        return null;
    }

    /// <summary>The id of the pool's first app client named <paramref name="clientName"/>, every page of <c>ListUserPoolClients</c> read until found.</summary>
    public async Task<string?> FindUserPoolClientIdAsync(string userPoolId, string clientName, CancellationToken cancellationToken = default)
    {
        string? nextToken = null;
        do
        {
            var page = await json.CallAsync(
                "ListUserPoolClients",
                new ListUserPoolClientsRequest(userPoolId, MaxListResults, nextToken),
                CognitoJsonContext.Default.ListUserPoolClientsRequest,
                CognitoJsonContext.Default.ListUserPoolClientsResponse,
                cancellationToken);
            if (page.UserPoolClients?.FirstOrDefault(client => client.ClientName == clientName) is { } found)
            {
                return found.ClientId;
            }

            nextToken = page.NextToken;
        }
        while (nextToken is not null);

        return null;
    }
}

/// <summary>Cognito answered <c>InitiateAuth</c> with a challenge (a new password, MFA) instead of tokens.</summary>
public sealed class CognitoChallengeException(string challengeName)
    : Exception($"Cognito answered InitiateAuth with the challenge {challengeName} instead of tokens.")
{
    public string ChallengeName { get; } = challengeName;
}
