using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.LocalCloud.Engine;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// <c>AWS::Cognito::UserPoolClient</c>: found by name in its pool with <c>ListUserPoolClients</c> and updated to the
/// template's settings, else created. Ref is the client id; GetAtt <c>ClientId</c> and <c>Name</c>
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cognito-userpoolclient.html#aws-resource-cognito-userpoolclient-return-values).
/// </summary>
public sealed class CognitoUserPoolClientProvisioner(EngineClients engine) : ResourceTypeProvisioner(Type)
{
    public const string Type = "AWS::Cognito::UserPoolClient";

    private static readonly string[] Lists =
    [
        "ExplicitAuthFlows", "ReadAttributes", "WriteAttributes", "SupportedIdentityProviders", "CallbackURLs", "LogoutURLs",
        "AllowedOAuthFlows", "AllowedOAuthScopes",
    ];

    private static readonly string[] Numbers = ["AccessTokenValidity", "IdTokenValidity", "RefreshTokenValidity", "AuthSessionValidity"];

    private static readonly string[] Flags = ["EnableTokenRevocation", "AllowedOAuthFlowsUserPoolClient", "EnablePropagateAdditionalUserContextData"];

    private static readonly string[] Strings = ["PreventUserExistenceErrors", "DefaultRedirectURI"];

    protected override async Task<ProvisionedResource> ProvisionCoreAsync(
        TemplateResource resource,
        JsonObject resolvedProperties,
        StackState state,
        CancellationToken cancellationToken)
    {
        var poolId = ResolvedProperties.RequiredString(resolvedProperties, "UserPoolId");
        var name = ResolvedProperties.String(resolvedProperties, "ClientName") ?? PhysicalNames.Generate(state, resource.LogicalId, 128);
        var settings = Settings(resolvedProperties);
        settings["UserPoolId"] = poolId;
        settings["ClientName"] = name;

        var clientId = await FindClientIdAsync(poolId, name, cancellationToken);
        if (clientId is null)
        {
            settings["GenerateSecret"] = ResolvedProperties.Bool(resolvedProperties, "GenerateSecret") ?? false;
            clientId = await engine.Cognito.CreateUserPoolClientAsync(settings, cancellationToken);
        }
        else
        {
            settings["ClientId"] = clientId;
            await engine.Cognito.UpdateUserPoolClientAsync(settings, cancellationToken);
        }

        return new ProvisionedResource(
            resource.LogicalId,
            resource.Type,
            clientId,
            resolvedProperties,
            new Dictionary<string, JsonNode> { ["ClientId"] = clientId, ["Name"] = name });
    }

    private static JsonObject Settings(JsonObject properties)
    {
        var request = new JsonObject();
        foreach (var list in Lists)
        {
            if (properties.ContainsKey(list))
            {
                request[list] = new JsonArray([.. ResolvedProperties.StringList(properties, list).Select(item => JsonValue.Create(item))]);
            }
        }

        foreach (var number in Numbers)
        {
            if (ResolvedProperties.Int(properties, number) is { } value)
            {
                request[number] = value;
            }
        }

        foreach (var flag in Flags)
        {
            if (ResolvedProperties.Bool(properties, flag) is { } value)
            {
                request[flag] = value;
            }
        }

        foreach (var text in Strings)
        {
            if (ResolvedProperties.String(properties, text) is { } value)
            {
                request[text] = value;
            }
        }

        if (ResolvedProperties.Object(properties, "TokenValidityUnits") is { } units)
        {
            request["TokenValidityUnits"] = units.DeepClone();
        }

        return request;
    }

    private Task<string?> FindClientIdAsync(string poolId, string name, CancellationToken cancellationToken) =>
        engine.Cognito.FindUserPoolClientIdAsync(poolId, name, cancellationToken);
}
