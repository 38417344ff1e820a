using System.Text.Json.Nodes;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.SecretsManager;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Properties;
using SecureLambda.LocalCloud.Engine;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// <c>AWS::SecretsManager::Secret</c> by name: created when missing, and given the resolved <c>SecretString</c> as a
/// new version when its value differs (a re-created topic has a new ARN). Ref is the secret ARN, and so is GetAtt
/// <c>Id</c>
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-secretsmanager-secret.html#aws-resource-secretsmanager-secret-return-values).
/// <c>GenerateSecretString</c> is not supported: the template's only secret holds a known value.
/// </summary>
public sealed class SecretProvisioner(EngineClients engine) : ResourceTypeProvisioner(Type)
{
    public const string Type = "AWS::SecretsManager::Secret";

    protected override async Task<ProvisionedResource> ProvisionCoreAsync(
        TemplateResource resource,
        JsonObject resolvedProperties,
        StackState state,
        CancellationToken cancellationToken)
    {
        var properties = new ResourceProperties(resource.LogicalId, resource.Type, resolvedProperties);
        if (properties.Has("GenerateSecretString"))
        {
            throw properties.Unsupported("GenerateSecretString", "is not supported by LocalCloud; give the secret a SecretString.");
        }

        var name = properties.OptionalString("Name") ?? PhysicalNames.Generate(state, resource.LogicalId, 512);
        var secretString = properties.OptionalString("SecretString");
        var sm = engine.SecretsManager;

        string arn;
        try
        {
            arn = await sm.DescribeSecretArnAsync(name, cancellationToken);
            if (secretString is not null && await CurrentValueAsync(name, cancellationToken) != secretString)
            {
                await sm.PutSecretValueAsync(arn, secretString, cancellationToken);
            }
        }
        catch (AwsServiceException error) when (error.ErrorCode == "ResourceNotFoundException")
        {
            arn = await sm.CreateSecretAsync(
                new CreateSecretRequest(name)
                {
                    Description = properties.OptionalString("Description"),
                    KmsKeyId = properties.OptionalString("KmsKeyId"),
                    SecretString = secretString,
                },
                cancellationToken);
        }

        return new ProvisionedResource(
            resource.LogicalId,
            resource.Type,
            arn,
            resolvedProperties,
            new Dictionary<string, JsonNode> { ["Id"] = arn });
    }

    private async Task<string?> CurrentValueAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await engine.SecretsManager.GetSecretValueAsync(name, cancellationToken)).SecretString;
        }
        catch (AwsServiceException error) when (error.ErrorCode == "ResourceNotFoundException")
        {
            // A secret without a current version.
            return null;
        }
    }
}
