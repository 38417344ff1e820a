using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SecureLambda.Aws.Cognito;
using SecureLambda.Aws.Core;
using SecureLambda.LocalCloud.Engine;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// Makes each configured dev user exist with a known, permanent password: <c>AdminGetUser</c>, else
/// <c>AdminCreateUser</c> (no invitation, email verified), then <c>AdminSetUserPassword</c> with
/// <c>Permanent</c> so the first sign-in needs no password change. A configured password is set every time; without
/// one, a password is generated (and logged once) only when the user is new or has none yet, so a restart against the
/// same engine keeps the password the developer was shown.
/// </summary>
public sealed class DevUserProvisioner(EngineClients engine, ILogger<DevUserProvisioner> logger)
{
    private const string Uppercase = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Lowercase = "abcdefghijkmnpqrstuvwxyz";
    private const string Digits = "23456789";

    // Cognito's accepted special characters (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html),
    // limited to those that need no quoting in a shell and that the AWS CLI's shorthand syntax does not split on
    // (',' separates and '=' assigns in `--auth-parameters USERNAME=…,PASSWORD=…`).
    internal const string Symbols = "!#%+-.:@^_~";

    public async Task<IReadOnlyList<DevUser>> ProvisionAsync(
        IReadOnlyList<DevUserOptions> users,
        IReadOnlyList<ProvisionedResource> resources,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(resources);

        // Each user is checked before any is made; then all are made at once.
        var pending = new List<(int Index, DevUserOptions User, ProvisionedResource Pool, ProvisionedResource Client)>();
        for (var index = 0; index < users.Count; index++)
        {
            var user = users[index];
            if (string.IsNullOrWhiteSpace(user.Email) || string.IsNullOrWhiteSpace(user.UserPool))
            {
                throw new InvalidOperationException($"LocalCloud:DevUsers:{index} needs an Email and a UserPool (a user pool's logical id).");
            }

            var pool = resources.FirstOrDefault(resource =>
                    resource.LogicalId == user.UserPool && resource.Type == CognitoUserPoolProvisioner.Type)
                ?? throw new InvalidOperationException(
                    $"LocalCloud:DevUsers:{index} names UserPool '{user.UserPool}', which is not a provisioned AWS::Cognito::UserPool.");
            var client = resources.FirstOrDefault(resource =>
                    resource.Type == CognitoUserPoolClientProvisioner.Type && resource.GetString("UserPoolId") == pool.PhysicalId)
                ?? throw new InvalidOperationException($"User pool {user.UserPool} has no AWS::Cognito::UserPoolClient to sign in with.");
            pending.Add((index, user, pool, client));
        }

        return await Task.WhenAll(pending.Select(async entry =>
        {
            var (index, user, pool, client) = entry;
            var hasPassword = await EnsureUserAsync(pool.PhysicalId, user.Email!, cancellationToken);
            var password = user.Password ?? (hasPassword ? null : GeneratedPassword(index, user.Email!, pool));
            if (password is not null)
            {
                await engine.Cognito.AdminSetUserPasswordAsync(pool.PhysicalId, user.Email!, password, permanent: true, cancellationToken);
            }

            ProvisioningLog.DevUserReady(logger, user.Email!, pool.LogicalId, pool.PhysicalId);
            return new DevUser(user.Email!, pool.LogicalId, pool.PhysicalId, client.PhysicalId);
        }));
    }

    private async Task<bool> EnsureUserAsync(string poolId, string email, CancellationToken cancellationToken)
    {
        var cognito = engine.Cognito;
        try
        {
            return await cognito.AdminGetUserStatusAsync(poolId, email, cancellationToken) != "FORCE_CHANGE_PASSWORD";
        }
        catch (AwsServiceException error) when (error.ErrorCode == "UserNotFoundException")
        {
            await cognito.AdminCreateUserAsync(
                new AdminCreateUserRequest(poolId, email, [new("email", email), new("email_verified", "true")]) { MessageAction = "SUPPRESS" },
                cancellationToken);
            return false;
        }
    }

    private string GeneratedPassword(int index, string email, ProvisionedResource pool)
    {
        var password = StrongPassword(MinimumLength(pool));
        ProvisioningLog.GeneratedDevUserPassword(
            logger,
            email,
            pool.LogicalId,
            password,
            $"LocalCloud__DevUsers__{index.ToString(CultureInfo.InvariantCulture)}__Password");
        return password;
    }

    private static int MinimumLength(ProvisionedResource pool) =>
        pool.TypedProperties.OptionalObject("Policies")?.OptionalObject("PasswordPolicy") is { } policy
            ? policy.OptionalInt("MinimumLength") ?? 8
            : 8;

    /// <summary>At least 20 characters (more if the pool asks), with each class Cognito can require.</summary>
    internal static string StrongPassword(int minimumLength)
    {
        var length = Math.Max(20, minimumLength);
        const string all = Uppercase + Lowercase + Digits + Symbols;
        var characters = new char[length];
        characters[0] = RandomNumberGenerator.GetItems<char>(Uppercase, 1)[0];
        characters[1] = RandomNumberGenerator.GetItems<char>(Lowercase, 1)[0];
        characters[2] = RandomNumberGenerator.GetItems<char>(Digits, 1)[0];
        characters[3] = RandomNumberGenerator.GetItems<char>(Symbols, 1)[0];
        RandomNumberGenerator.GetItems<char>(all, length - 4).CopyTo(characters, 4);
        RandomNumberGenerator.Shuffle(characters.AsSpan());
        return new string(characters);
    }
}
