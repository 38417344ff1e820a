using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Provisioning;
using SecureLambda.LocalCloud.Waf;

namespace SecureLambda.LocalCloud.Cognito;

/// <summary>A user pool's settings that decide who can get a token and that the engine does not enforce.</summary>
/// <param name="AllowAdminCreateUserOnly"><c>AdminCreateUserConfig.AllowAdminCreateUserOnly</c>: no self sign-up.</param>
/// <param name="WebAcl">The web ACL associated with the pool, which guards its public (unsigned) operations.</param>
public sealed record UserPoolRules(string LogicalId, string PoolId, bool AllowAdminCreateUserOnly, WebAclEvaluator? WebAcl = null);

/// <summary>An app client of a pool, with its <c>PreventUserExistenceErrors</c> setting.</summary>
public sealed record AppClientRules(string ClientId, UserPoolRules Pool, bool PreventUserExistenceErrors);

/// <summary>
/// The Cognito settings of the stack that moto 5.2.1 ignores, by app client id: LocalCloud enforces them on the way to
/// the engine (<see cref="CognitoGuard"/>), so that the local stack lets in no one AWS would keep out.
/// </summary>
public sealed class CognitoRules
{
    private readonly Dictionary<string, AppClientRules> _clients;

    private CognitoRules(IReadOnlyList<UserPoolRules> pools, Dictionary<string, AppClientRules> clients)
    {
        Pools = pools;
        _clients = clients;
    }

    public static CognitoRules None { get; } = new([], new(StringComparer.Ordinal));

    public IReadOnlyList<UserPoolRules> Pools { get; }

    public AppClientRules? FindClient(string? clientId) => clientId is null ? null : _clients.GetValueOrDefault(clientId);

    public static CognitoRules Build(ProvisionedStack stack, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var pools = stack.OfType("AWS::Cognito::UserPool").ToDictionary(
            pool => pool.PhysicalId,
            pool => new UserPoolRules(
                pool.LogicalId,
                pool.PhysicalId,
                pool.TypedProperties.OptionalObject("AdminCreateUserConfig")?.OptionalBool("AllowAdminCreateUserOnly") ?? false,
                pool.Attributes.TryGetValue("Arn", out var arn) ? WebAclAssociations.For(stack, resource => resource == arn.GetValue<string>(), timeProvider) : null),
            StringComparer.Ordinal);
        var clients = new Dictionary<string, AppClientRules>(StringComparer.Ordinal);
        foreach (var client in stack.OfType("AWS::Cognito::UserPoolClient"))
        {
            if (client.GetString("UserPoolId") is { } poolId && pools.TryGetValue(poolId, out var pool))
            {
                // The API's default is LEGACY (the console's is ENABLED).
                // https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
                var prevent = client.GetString("PreventUserExistenceErrors") == "ENABLED";
                clients[client.PhysicalId] = new AppClientRules(client.PhysicalId, pool, prevent);
            }
        }

        return new CognitoRules([.. pools.Values], clients);
    }
}
