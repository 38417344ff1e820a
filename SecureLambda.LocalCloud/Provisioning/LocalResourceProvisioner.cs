using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Catalog;
using SecureLambda.CloudFormation.Properties;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// Resources LocalCloud emulates itself (Lambda, API Gateway, WAF, the IAM roles and the resource policies it
/// evaluates): the catalog's <see cref="ResourceKind.SynthesizedByLocalCloud"/> types; and, through <see cref="StandIn"/>,
/// the ones it skips (CloudWatch Logs and alarms, the API Gateway account setting).
/// Nothing is created in the engine; each gets a stable physical id and
/// the Ref and GetAtt values the CloudFormation template reference documents for its type
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-{service}-{type}.html#…-return-values),
/// so intrinsics that point at them resolve as they would in AWS.
/// </summary>
public sealed class LocalResourceProvisioner : IResourceProvisioner
{
    public const string LambdaFunction = "AWS::Lambda::Function";
    public const string LambdaEventInvokeConfig = "AWS::Lambda::EventInvokeConfig";
    public const string RestApi = "AWS::ApiGateway::RestApi";
    public const string ApiResource = "AWS::ApiGateway::Resource";
    public const string ApiMethod = "AWS::ApiGateway::Method";
    public const string ApiAuthorizer = "AWS::ApiGateway::Authorizer";
    public const string ApiModel = "AWS::ApiGateway::Model";
    public const string ApiRequestValidator = "AWS::ApiGateway::RequestValidator";
    public const string ApiDeployment = "AWS::ApiGateway::Deployment";
    public const string ApiStage = "AWS::ApiGateway::Stage";
    public const string ApiGatewayResponse = "AWS::ApiGateway::GatewayResponse";
    public const string ApiKey = "AWS::ApiGateway::ApiKey";
    public const string UsagePlan = "AWS::ApiGateway::UsagePlan";
    public const string UsagePlanKey = "AWS::ApiGateway::UsagePlanKey";
    public const string DocumentationPart = "AWS::ApiGateway::DocumentationPart";
    public const string DocumentationVersion = "AWS::ApiGateway::DocumentationVersion";
    public const string WafIpSet = "AWS::WAFv2::IPSet";
    public const string WafWebAcl = "AWS::WAFv2::WebACL";
    public const string WafWebAclAssociation = "AWS::WAFv2::WebACLAssociation";
    public const string IamRole = "AWS::IAM::Role";
    public const string IamPolicy = "AWS::IAM::Policy";
    public const string TopicPolicy = "AWS::SNS::TopicPolicy";
    public const string QueuePolicy = "AWS::SQS::QueuePolicy";
    public const string LambdaPermission = "AWS::Lambda::Permission";

    public IReadOnlySet<string> ProvisionedTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        LambdaFunction, LambdaEventInvokeConfig, RestApi, ApiResource, ApiMethod, ApiAuthorizer, ApiModel,
        ApiRequestValidator, ApiDeployment, ApiStage, ApiGatewayResponse, ApiKey, UsagePlan, UsagePlanKey, DocumentationPart,
        DocumentationVersion, WafIpSet, WafWebAcl, WafWebAclAssociation,
        IamRole, IamPolicy, TopicPolicy, QueuePolicy, LambdaPermission,
    };

    public Task<ProvisionedResource> ProvisionAsync(
        TemplateResource resource,
        JsonObject resolvedProperties,
        StackState state,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(resolvedProperties);
        ArgumentNullException.ThrowIfNull(state);
        return Task.FromResult(StandIn(resource, resolvedProperties, state));
    }

    /// <summary>
    /// The physical id and attributes of a resource nothing is created for: one this class synthesizes, or one of a
    /// type the catalog skips, which keeps its Ref and GetAtt values so that the intrinsics pointing at it resolve.
    /// </summary>
    internal static ProvisionedResource StandIn(TemplateResource resource, JsonObject resolvedProperties, StackState state)
    {
        var (physicalId, attributes) = Synthesize(resource, new ResourceProperties(resource.LogicalId, resource.Type, resolvedProperties), state);
        return new ProvisionedResource(resource.LogicalId, resource.Type, physicalId, resolvedProperties, attributes);
    }

    private static (string PhysicalId, Dictionary<string, JsonNode> Attributes) Synthesize(
        TemplateResource resource,
        ResourceProperties properties,
        StackState state)
    {
        var id = resource.LogicalId;
        var (partition, region, account) = (state.Partition, state.Settings.Region, state.Settings.AccountId);
        string Named(string property, int maxLength) =>
            properties.OptionalString(property) ?? PhysicalNames.Generate(state, id, maxLength);

        switch (resource.Type)
        {
            case LambdaFunction:
            {
                // Ref: the function name; GetAtt Arn (aws-resource-lambda-function.html#aws-resource-lambda-function-return-values).
                var name = Named("FunctionName", 64);
                return (name, new() { ["Arn"] = $"arn:{partition}:lambda:{region}:{account}:function:{name}" });
            }

            case RestApi:
            {
                // Ref: the API id; GetAtt RestApiId and RootResourceId (aws-resource-apigateway-restapi.html).
                var apiId = PhysicalNames.StableId(state, id, 10);
                return (apiId, new() { ["RestApiId"] = apiId, ["RootResourceId"] = PhysicalNames.StableId(state, id + "/", 10) });
            }

            case ApiResource:
            {
                var resourceId = PhysicalNames.StableId(state, id, 6);
                return (resourceId, new() { ["ResourceId"] = resourceId });
            }

            case ApiAuthorizer:
            {
                var authorizerId = PhysicalNames.StableId(state, id, 6);
                return (authorizerId, new() { ["AuthorizerId"] = authorizerId });
            }

            case ApiRequestValidator:
            {
                var validatorId = PhysicalNames.StableId(state, id, 6);
                return (validatorId, new() { ["RequestValidatorId"] = validatorId });
            }

            case ApiDeployment:
            {
                var deploymentId = PhysicalNames.StableId(state, id, 6);
                return (deploymentId, new() { ["DeploymentId"] = deploymentId });
            }

            case ApiModel:
                // Ref: the model name (aws-resource-apigateway-model.html).
                return (Named("Name", 128), []);

            case ApiStage:
                // Ref: the stage name (aws-resource-apigateway-stage.html).
                return (properties.RequiredString("StageName"), []);

            case ApiKey:
            {
                // Ref: the key id; GetAtt APIKeyId (aws-resource-apigateway-apikey.html). Its value is LocalCloud's
                // (Provisioning/DevApiKey), never the template's: AWS generates it.
                var keyId = PhysicalNames.StableId(state, id, 10);
                return (keyId, new() { ["APIKeyId"] = keyId });
            }

            case UsagePlan:
            {
                // Ref: the usage plan id; GetAtt Id (aws-resource-apigateway-usageplan.html).
                var planId = PhysicalNames.StableId(state, id, 6);
                return (planId, new() { ["Id"] = planId });
            }

            case UsagePlanKey:
                // Ref: the usage plan key id, which is the key's id (aws-resource-apigateway-usageplankey.html).
                return (properties.RequiredString("KeyId"), new() { ["Id"] = properties.RequiredString("KeyId") });

            case DocumentationPart:
            {
                // Ref: the documentation part id; GetAtt DocumentationPartId (aws-resource-apigateway-documentationpart.html).
                var partId = PhysicalNames.StableId(state, id, 6);
                return (partId, new() { ["DocumentationPartId"] = partId });
            }

            case DocumentationVersion:
                // Ref: the version (aws-resource-apigateway-documentationversion.html).
                return (properties.RequiredString("DocumentationVersion"), []);

            case ApiMethod or ApiGatewayResponse or LambdaEventInvokeConfig:
                // Ref: an opaque id (the method id, the gateway response's id, the config's id). The gateway reads a
                // GatewayResponse from the stack's resolved properties (DataPlane/GatewayStageBuilder), so nothing else is
                // created for it.
                return (PhysicalNames.StableId(state, id, 12), []);

            case WafIpSet or WafWebAcl:
            {
                // Ref: name|id|scope; GetAtt Arn and Id (aws-resource-wafv2-ipset.html, aws-resource-wafv2-webacl.html).
                var name = Named("Name", 128);
                var scope = properties.OptionalString("Scope") ?? "REGIONAL";
                var wafId = PhysicalNames.StableGuid(state, id);
                var kind = resource.Type == WafIpSet ? "ipset" : "webacl";
                // CLOUDFRONT-scoped WAF resources live in us-east-1 under "global".
                var (arnRegion, arnScope) = scope == "CLOUDFRONT" ? ("us-east-1", "global") : (region, "regional");
                var attributes = new Dictionary<string, JsonNode>
                {
                    ["Arn"] = $"arn:{partition}:wafv2:{arnRegion}:{account}:{arnScope}/{kind}/{name}/{wafId}",
                    ["Id"] = wafId,
                };
                if (resource.Type == WafWebAcl)
                {
                    attributes["LabelNamespace"] = $"awswaf:{account}:webacl:{name}:";
                }

                return ($"{name}|{wafId}|{scope}", attributes);
            }

            case WafWebAclAssociation:
                // Identified by the pair it associates (aws-resource-wafv2-webaclassociation.html).
                return ($"{properties.RequiredString("ResourceArn")}|{properties.RequiredString("WebACLArn")}", []);

            case "AWS::CloudWatch::Alarm":
            {
                // Ref: the alarm name; GetAtt Arn (aws-resource-cloudwatch-alarm.html).
                var name = Named("AlarmName", 255);
                return (name, new() { ["Arn"] = $"arn:{partition}:cloudwatch:{region}:{account}:alarm:{name}" });
            }

            case "AWS::IAM::Role":
            {
                // Ref: the role name; GetAtt Arn and RoleId (aws-resource-iam-role.html).
                var name = Named("RoleName", 64);
                var path = properties.OptionalString("Path") ?? "/";
                return (name, new()
                {
                    ["Arn"] = $"arn:{partition}:iam::{account}:role{path}{name}",
                    ["RoleId"] = "AROA" + PhysicalNames.StableId(state, id, 17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
                });
            }

            case "AWS::Logs::LogGroup":
            {
                // Ref: the log group name; GetAtt Arn ends in ":*" (aws-resource-logs-loggroup.html).
                var name = Named("LogGroupName", 512);
                return (name, new() { ["Arn"] = $"arn:{partition}:logs:{region}:{account}:log-group:{name}:*" });
            }

            default:
                // A skipped type whose Ref is an opaque id (a permission, a resource policy, the API Gateway account
                // setting, an IAM policy).
                return (PhysicalNames.StableId(state, id, 12), []);
        }
    }
}
