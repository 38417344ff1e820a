using System.Text.Json.Nodes;
using SecureLambda.LocalCloud.Template;

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
            var created = await engine.Cognito.CallAsync("CreateUserPool", CreateRequest(name, resolvedProperties), cancellationToken);
            poolId = (string)created["UserPool"]!["Id"]!;
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

    private async Task<string?> FindPoolIdAsync(string name, CancellationToken cancellationToken) =>
        (string?)(await engine.FindInCognitoListAsync(
            "ListUserPools", [], "UserPools", pool => (string?)pool["Name"] == name, cancellationToken))?["Id"];

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
