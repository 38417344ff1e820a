namespace SecureLambda.LocalCloud.Authorizers;

/// <summary>Why an authorizer refused a request; each maps to one gateway answer (<see cref="AuthorizerResult.ToGatewayAnswer"/>).</summary>
public enum AuthorizerFailure
{
    None,
    MissingToken,
    InvalidToken,
    ExpiredToken,
}

/// <summary>
/// An authorizer's decision. <see cref="Reason"/> is for logs and spans only and never goes to the client;
/// <see cref="Claims"/> are the token's claims exactly as API Gateway passes them in
/// <c>requestContext.authorizer.claims</c> (every value a string).
/// </summary>
public sealed record AuthorizerResult(
    bool IsAuthorized,
    AuthorizerFailure Failure,
    string? Reason,
    IReadOnlyDictionary<string, string> Claims)
{
    public const string UnauthorizedBody = """{"message":"Unauthorized"}""";
    public const string ExpiredBody = """{"message":"The incoming token has expired"}""";

    private static readonly IReadOnlyDictionary<string, string> NoClaims = new Dictionary<string, string>();

    public static AuthorizerResult Allow(IReadOnlyDictionary<string, string> claims) => new(true, AuthorizerFailure.None, null, claims);

    public static AuthorizerResult Deny(AuthorizerFailure failure, string reason)
    {
        if (failure == AuthorizerFailure.None)
        {
            throw new ArgumentException("A denial needs a failure.", nameof(failure));
        }

        return new(false, failure, reason, NoClaims);
    }

    /// <summary>
    /// The answer API Gateway gives for a refused token: 401 with <c>{"message":"Unauthorized"}</c>, or, for an expired
    /// Cognito ID token, 401 with <c>{"message":"The incoming token has expired"}</c>, which clients key their refresh on.
    /// Both are the UNAUTHORIZED gateway response (401, body <c>{"message":$context.error.messageString}</c>) with a
    /// different error message (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
    /// </summary>
    public static (int Status, string Body) ToGatewayAnswer(AuthorizerFailure failure) => failure switch
    {
        AuthorizerFailure.MissingToken or AuthorizerFailure.InvalidToken => (401, UnauthorizedBody),
        AuthorizerFailure.ExpiredToken => (401, ExpiredBody),
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, "An allowed request has no gateway answer."),
    };
}
