using Microsoft.IdentityModel.Tokens;

namespace SecureLambda.LocalCloud.Authorizers;

/// <summary>The signing keys of Cognito user pools, from each pool's JWKS.</summary>
public interface IJwksProvider
{
    /// <summary>The key of <paramref name="userPoolId"/>'s JWKS whose <c>kid</c> is <paramref name="keyId"/>, or null when it has none.</summary>
    Task<JsonWebKey?> FindSigningKeyAsync(string userPoolId, string keyId, CancellationToken cancellationToken);
}
