using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
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
        var name = ResolvedProperties.String(resolvedProperties, "UserPoolName") ?? PhysicalNames.Generate(state, resource.LogicalId, 128);
        var poolId = await FindPoolIdAsync(name, cancellationToken);
        if (poolId is null)
        {
            poolId = await engine.Cognito.CreateUserPoolAsync(CreateRequest(name, resolvedProperties), cancellationToken);
        }

        if (MfaRequest(poolId, resolvedProperties) is { } mfa)
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

    private static JsonObject CreateRequest(string name, JsonObject properties)
    {
        var request = new JsonObject { ["PoolName"] = name };
        foreach (var property in PassThrough)
        {
            if (properties[property] is { } value)
            {
                request[property] = value.DeepClone();
            }
        }

        if (ResolvedProperties.Object(properties, "Policies")?["PasswordPolicy"] is JsonObject passwordPolicy)
        {
            request["Policies"] = new JsonObject { ["PasswordPolicy"] = TypedPasswordPolicy(passwordPolicy) };
        }

        if (ResolvedProperties.Object(properties, "AdminCreateUserConfig") is { } adminCreateUser)
        {
            request["AdminCreateUserConfig"] = TypedAdminCreateUserConfig(adminCreateUser);
        }

        if (ResolvedProperties.Object(properties, "AccountRecoverySetting") is { } recovery)
        {
            var mechanisms = new JsonArray();
            foreach (var mechanism in recovery["RecoveryMechanisms"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                mechanisms.Add(new JsonObject
                {
                    ["Name"] = ResolvedProperties.String(mechanism, "Name"),
                    ["Priority"] = ResolvedProperties.Int(mechanism, "Priority"),
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
    internal static JsonObject? MfaRequest(string poolId, JsonObject properties)
    {
        var configuration = ResolvedProperties.String(properties, "MfaConfiguration");
        if (configuration is null or "OFF")
        {
            return null;
        }

        var factors = properties.ContainsKey("EnabledMfas") ? ResolvedProperties.StringList(properties, "EnabledMfas") : [];
        if (factors.FirstOrDefault(factor => factor != "SOFTWARE_TOKEN_MFA") is { } unsupported)
        {
            // SMS and e-mail factors need a messaging configuration the engine cannot send with; never drop one silently.
            throw new NotSupportedException($"EnabledMfas {unsupported} is not provisioned locally; only SOFTWARE_TOKEN_MFA (TOTP) is.");
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
    internal static JsonObject TypedAdminCreateUserConfig(JsonObject config)
    {
        var typed = new JsonObject();
        foreach (var (key, value) in config)
        {
            typed[key] = key switch
            {
                "AllowAdminCreateUserOnly" => ResolvedProperties.Bool(config, key),
                "UnusedAccountValidityDays" => ResolvedProperties.Int(config, key),
                _ => value?.DeepClone(),
            };
        }

        return typed;
    }

    /// <summary>The API wants numbers and booleans where a template (or a parameter) may hold strings.</summary>
    internal static JsonObject TypedPasswordPolicy(JsonObject policy)
    {
        var typed = new JsonObject();
        foreach (var (key, value) in policy)
        {
            typed[key] = PasswordPolicyNumbers.Contains(key) ? ResolvedProperties.Int(policy, key)
                : PasswordPolicyFlags.Contains(key) ? ResolvedProperties.Bool(policy, key)
                : value?.DeepClone();
        }

        return typed;
    }
}
