using System.Text.Json.Serialization;

namespace SecureLambda.Aws.Cognito;

/// <summary>The tokens of a successful sign-in (<c>AuthenticationResult</c>).</summary>
public sealed record CognitoAuthenticationResult(string? IdToken, string? AccessToken, string? RefreshToken, int ExpiresIn, string? TokenType)
{
    // Tokens are credentials: keep them out of logs and messages that format the record.
    public override string ToString() => $"CognitoAuthenticationResult {{ TokenType = {TokenType}, ExpiresIn = {ExpiresIn} }}";
}

/// <summary>One user attribute (the API's <c>AttributeType</c>).</summary>
public sealed record CognitoAttributeType(string Name, string Value);

/// <summary>The input of <c>AdminCreateUser</c>; unset members are left out of the request.</summary>
public sealed record AdminCreateUserRequest(string UserPoolId, string Username, IReadOnlyList<CognitoAttributeType> UserAttributes)
{
    /// <summary><c>SUPPRESS</c> to send no invitation.</summary>
    public string? MessageAction { get; init; }

    /// <summary><c>EMAIL</c> and/or <c>SMS</c>.</summary>
    public IReadOnlyList<string>? DesiredDeliveryMediums { get; init; }
}

internal sealed record InitiateAuthRequest(string AuthFlow, string ClientId, IReadOnlyDictionary<string, string> AuthParameters);

internal sealed record InitiateAuthResponse(CognitoAuthenticationResult? AuthenticationResult, string? ChallengeName);

internal sealed record UserPoolUserRequest(string UserPoolId, string Username);

internal sealed record AdminGetUserResponse(string? Username, string? UserStatus);

internal sealed record AdminSetUserPasswordRequest(string UserPoolId, string Username, string Password, bool Permanent);

internal sealed record UserPoolRequest(string UserPoolId);

internal sealed record ListUserPoolsRequest(int MaxResults, string? NextToken);

internal sealed record UserPoolDescription(string? Id, string? Name);

internal sealed record ListUserPoolsResponse(IReadOnlyList<UserPoolDescription>? UserPools, string? NextToken);

internal sealed record ListUserPoolClientsRequest(string UserPoolId, int MaxResults, string? NextToken);

internal sealed record UserPoolClientDescription(string? ClientId, string? ClientName);

internal sealed record ListUserPoolClientsResponse(IReadOnlyList<UserPoolClientDescription>? UserPoolClients, string? NextToken);

/// <summary>A reply whose members we do not read.</summary>
internal sealed record CognitoEmptyResponse;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InitiateAuthRequest))]
[JsonSerializable(typeof(InitiateAuthResponse))]
[JsonSerializable(typeof(AdminCreateUserRequest))]
[JsonSerializable(typeof(UserPoolUserRequest))]
[JsonSerializable(typeof(AdminGetUserResponse))]
[JsonSerializable(typeof(AdminSetUserPasswordRequest))]
[JsonSerializable(typeof(UserPoolRequest))]
[JsonSerializable(typeof(ListUserPoolsRequest))]
[JsonSerializable(typeof(ListUserPoolsResponse))]
[JsonSerializable(typeof(ListUserPoolClientsRequest))]
[JsonSerializable(typeof(ListUserPoolClientsResponse))]
[JsonSerializable(typeof(CognitoEmptyResponse))]
internal sealed partial class CognitoJsonContext : JsonSerializerContext;
