using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Properties;
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
        var properties = new ResourceProperties(resource.LogicalId, resource.Type, resolvedProperties);
        var poolId = properties.RequiredString("UserPoolId");
        var name = properties.OptionalString("ClientName") ?? PhysicalNames.Generate(state, resource.LogicalId, 128);
        var settings = Settings(properties);
        settings["UserPoolId"] = poolId;
        settings["ClientName"] = name;

        var clientId = await FindClientIdAsync(poolId, name, cancellationToken);
        if (clientId is null)
        {
            settings["GenerateSecret"] = properties.OptionalBool("GenerateSecret") ?? false;
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

    private static JsonObject Settings(ResourceProperties properties)
    {
        var request = new JsonObject();
        foreach (var list in Lists)
        {
            if (properties.Has(list))
            {
                request[list] = new JsonArray([.. properties.StringList(list).Select(item => JsonValue.Create(item))]);
            }
        }

        foreach (var number in Numbers)
        {
            if (properties.OptionalInt(number) is { } value)
            {
                request[number] = value;
            }
        }

        foreach (var flag in Flags)
        {
            if (properties.OptionalBool(flag) is { } value)
            {
                request[flag] = value;
            }
        }

        foreach (var text in Strings)
        {
            if (properties.OptionalString(text) is { } value)
            {
                request[text] = value;
            }
        }

        if (properties.OptionalObject("TokenValidityUnits") is { } units)
        {
            request["TokenValidityUnits"] = units.Json.DeepClone();
        }

        return request;
    }

    private Task<string?> FindClientIdAsync(string poolId, string name, CancellationToken cancellationToken) =>
        engine.Cognito.FindUserPoolClientIdAsync(poolId, name, cancellationToken);
}
