namespace SecureLambda.LocalCloud.Authorizers;

/// <summary>Why an authorizer refused a request; the gateway maps each to its UNAUTHORIZED gateway response.</summary>
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
}
