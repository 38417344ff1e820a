using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Properties;
using SecureLambda.LocalCloud.Engine;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// <c>AWS::Cognito::UserPool</c>: found by name with <c>ListUserPools</c>, else created with <c>CreateUserPool</c>.
/// Ref is the pool id; GetAtt <c>Arn</c>, <c>ProviderName</c>, <c>ProviderURL</c> and <c>UserPoolId</c>
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cognito-userpool.html#aws-resource-cognito-userpool-return-values).
/// </summary>
public sealed class CognitoUserPoolProvisioner(EngineClients engine) : ResourceTypeProvisioner(Type)
{
    public const string Type = "AWS::Cognito::UserPool";

    /// <summary>Properties that CreateUserPool takes under the same name and shape.</summary>
    private static readonly string[] PassThrough =
    [
        "UsernameAttributes", "AliasAttributes", "AutoVerifiedAttributes", "Schema", "AccountRecoverySetting",
        "AdminCreateUserConfig", "UsernameConfiguration", "MfaConfiguration", "DeletionProtection", "UserPoolTags",
        "UserAttributeUpdateSettings", "VerificationMessageTemplate", "EmailConfiguration", "UserPoolAddOns",
    ];

    private static readonly string[] PasswordPolicyNumbers = ["MinimumLength", "TemporaryPasswordValidityDays", "PasswordHistorySize"];

    private static readonly string[] PasswordPolicyFlags = ["RequireUppercase", "RequireLowercase", "RequireNumbers", "RequireSymbols"];

    protected override async Task<ProvisionedResource> ProvisionCoreAsync(
        TemplateResource resource,
        JsonObject resolvedProperties,
        StackState state,
        CancellationToken cancellationToken)
    {
        var properties = new ResourceProperties(resource.LogicalId, resource.Type, resolvedProperties);
        var name = properties.OptionalString("UserPoolName") ?? PhysicalNames.Generate(state, resource.LogicalId, 128);
        var poolId = await FindPoolIdAsync(name, cancellationToken);
        if (poolId is null)
        {
            poolId = await engine.Cognito.CreateUserPoolAsync(CreateRequest(name, properties), cancellationToken);
        }

        if (MfaRequest(poolId, properties) is { } mfa)
        {
            await engine.Cognito.SetUserPoolMfaConfigAsync(mfa, cancellationToken);
        }

        var settings = state.Settings;
        var provider = $"cognito-idp.{settings.Region}.{state.UrlSuffix}/{poolId}";
        return new ProvisionedResource(
            resource.LogicalId,
            resource.Type,
            poolId,
            resolvedProperties,
            new Dictionary<string, JsonNode>
            {
                ["Arn"] = $"arn:{state.Partition}:cognito-idp:{settings.Region}:{settings.AccountId}:userpool/{poolId}",
                ["ProviderName"] = provider,
                ["ProviderURL"] = "https://" + provider,
                ["UserPoolId"] = poolId,
            });
    }

    private Task<string?> FindPoolIdAsync(string name, CancellationToken cancellationToken) =>
        engine.Cognito.FindUserPoolIdAsync(name, cancellationToken);

    private static JsonObject CreateRequest(string name, ResourceProperties properties)
    {
        var request = new JsonObject { ["PoolName"] = name };
        foreach (var property in PassThrough)
        {
            if (properties.Json[property] is { } value)
            {
                request[property] = value.DeepClone();
            }
        }

        if (properties.OptionalObject("Policies")?.OptionalObject("PasswordPolicy") is { } passwordPolicy)
        {
            request["Policies"] = new JsonObject { ["PasswordPolicy"] = TypedPasswordPolicy(passwordPolicy) };
        }

        if (properties.OptionalObject("AdminCreateUserConfig") is { } adminCreateUser)
        {
            request["AdminCreateUserConfig"] = TypedAdminCreateUserConfig(adminCreateUser);
        }

        if (properties.OptionalObject("AccountRecoverySetting") is { } recovery)
        {
            var mechanisms = new JsonArray();
            foreach (var mechanism in recovery.ObjectList("RecoveryMechanisms"))
            {
                mechanisms.Add(new JsonObject
                {
                    ["Name"] = mechanism.OptionalString("Name"),
                    ["Priority"] = mechanism.OptionalInt("Priority"),
                });
            }

            request["AccountRecoverySetting"] = new JsonObject { ["RecoveryMechanisms"] = mechanisms };
        }

        return request;
    }

    /// <summary>
    /// <c>EnabledMfas</c> is not a CreateUserPool field: which factors a pool offers is set with SetUserPoolMfaConfig,
    /// as CloudFormation does. Sent on every start, so a changed template applies to an existing pool as well.
    /// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserPoolMfaConfig.html
    /// </summary>
    internal static JsonObject? MfaRequest(string poolId, ResourceProperties properties)
    {
        var configuration = properties.OptionalString("MfaConfiguration");
        if (configuration is null or "OFF")
        {
            return null;
        }

        if (configuration == "ON")
        {
            // moto 5.2.1 challenges only a user who already has a verified TOTP device; Cognito makes every other user
            // set one up first (MFA_SETUP). Enforcing less than AWS would let in whom AWS keeps out.
            throw properties.Unsupported("MfaConfiguration", "ON is not enforced by the engine, which signs a user without a TOTP device in with no MFA_SETUP challenge; use OPTIONAL or OFF locally.");
        }

        var factors = properties.StringList("EnabledMfas");
        if (factors.FirstOrDefault(factor => factor != "SOFTWARE_TOKEN_MFA") is { } unsupported)
        {
            // SMS and e-mail factors need a messaging configuration the engine cannot send with; never drop one silently.
            throw properties.Unsupported("EnabledMfas", $"{unsupported} is not provisioned locally; only SOFTWARE_TOKEN_MFA (TOTP) is.");
        }

        var request = new JsonObject { ["UserPoolId"] = poolId, ["MfaConfiguration"] = configuration };
        if (factors.Contains("SOFTWARE_TOKEN_MFA"))
        {
            request["SoftwareTokenMfaConfiguration"] = new JsonObject { ["Enabled"] = true };
        }

        return request;
    }

    /// <summary>
    /// AllowAdminCreateUserOnly must reach the engine as a boolean: sent as the template's text "true", an engine that
    /// reads it strictly would take self sign-up as allowed.
    /// </summary>
    internal static JsonObject TypedAdminCreateUserConfig(ResourceProperties config)
    {
        var typed = new JsonObject();
        foreach (var (key, value) in config.Json)
        {
            typed[key] = key switch
            {
                "AllowAdminCreateUserOnly" => config.OptionalBool(key),
                "UnusedAccountValidityDays" => config.OptionalInt(key),
                _ => value?.DeepClone(),
            };
        }

        return typed;
    }

    /// <summary>The API wants numbers and booleans where a template (or a parameter) may hold strings.</summary>
    internal static JsonObject TypedPasswordPolicy(ResourceProperties policy)
    {
        var typed = new JsonObject();
        foreach (var (key, value) in policy.Json)
        {
            typed[key] = PasswordPolicyNumbers.Contains(key) ? policy.OptionalInt(key)
                : PasswordPolicyFlags.Contains(key) ? policy.OptionalBool(key)
                : value?.DeepClone();
        }

        return typed;
    }
}
