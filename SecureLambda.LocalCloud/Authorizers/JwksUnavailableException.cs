namespace SecureLambda.LocalCloud.Authorizers;

/// <summary>
/// The pool's keys could not be read from the engine (unreachable, timed out, an open circuit, a broken JWKS): the
/// authorizer cannot run at all, which API Gateway answers with AUTHORIZER_CONFIGURATION_ERROR, not with 401.
/// </summary>
public sealed class JwksUnavailableException(string userPoolId, Exception inner)
    : Exception($"The JWKS of user pool {userPoolId} could not be read from the engine.", inner)
{
    public string UserPoolId { get; } = userPoolId;
}
