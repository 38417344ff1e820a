using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// Resources LocalCloud emulates itself (Lambda, API Gateway, WAF) or knowingly skips (IAM, CloudWatch Logs and alarms,
/// Lambda permissions and the other resource policies, the API Gateway account setting). Nothing is created in the engine; each gets a stable physical id and
/// the Ref and GetAtt values the CloudFormation template reference documents for its type
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-{service}-{type}.html#…-return-values),
/// so intrinsics that point at them resolve as they would in AWS.
/// </summary>
public sealed class LocalResourceProvisioner : IResourceProvisioner
{
    public const string LambdaFunction = "AWS::Lambda::Function";
    public const string LambdaEventInvokeConfig = "AWS::Lambda::EventInvokeConfig";
    public const string LambdaPermission = "AWS::Lambda::Permission";
    public const string RestApi = "AWS::ApiGateway::RestApi";
    public const string ApiResource = "AWS::ApiGateway::Resource";
    public const string ApiMethod = "AWS::ApiGateway::Method";
    public const string ApiAuthorizer = "AWS::ApiGateway::Authorizer";
    public const string ApiModel = "AWS::ApiGateway::Model";
    public const string ApiRequestValidator = "AWS::ApiGateway::RequestValidator";
    public const string ApiDeployment = "AWS::ApiGateway::Deployment";
    public const string ApiStage = "AWS::ApiGateway::Stage";
    public const string ApiAccount = "AWS::ApiGateway::Account";
    public const string ApiGatewayResponse = "AWS::ApiGateway::GatewayResponse";
    public const string WafIpSet = "AWS::WAFv2::IPSet";
    public const string WafWebAcl = "AWS::WAFv2::WebACL";
    public const string WafWebAclAssociation = "AWS::WAFv2::WebACLAssociation";
    public const string IamRole = "AWS::IAM::Role";
    public const string LogGroup = "AWS::Logs::LogGroup";
    public const string TopicPolicy = "AWS::SNS::TopicPolicy";
    public const string QueuePolicy = "AWS::SQS::QueuePolicy";
    public const string Alarm = "AWS::CloudWatch::Alarm";

    private static readonly HashSet<string> Types = new(StringComparer.Ordinal)
    {
        LambdaFunction, LambdaEventInvokeConfig, LambdaPermission, RestApi, ApiResource, ApiMethod, ApiAuthorizer, ApiModel,
        ApiRequestValidator, ApiDeployment, ApiStage, ApiAccount, ApiGatewayResponse, WafIpSet, WafWebAcl, WafWebAclAssociation,
        IamRole, LogGroup, TopicPolicy, QueuePolicy, Alarm,
    };

    public bool CanProvision(string type) => Types.Contains(type);

    public Task<ProvisionedResource> ProvisionAsync(
        TemplateResource resource,
        JsonObject resolvedProperties,
        StackState state,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(resolvedProperties);
        ArgumentNullException.ThrowIfNull(state);

        var (physicalId, attributes) = Synthesize(resource, resolvedProperties, state);
        return Task.FromResult(new ProvisionedResource(resource.LogicalId, resource.Type, physicalId, resolvedProperties, attributes));
    }

    private static (string PhysicalId, Dictionary<string, JsonNode> Attributes) Synthesize(
        TemplateResource resource,
        JsonObject properties,
        StackState state)
    {
        var id = resource.LogicalId;
        var (partition, region, account) = (state.Partition, state.Settings.Region, state.Settings.AccountId);
        string Named(string property, int maxLength) =>
            ResolvedProperties.String(properties, property) ?? PhysicalNames.Generate(state, id, maxLength);

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
                return (ResolvedProperties.RequiredString(properties, "StageName"), []);

            case ApiMethod or ApiAccount or ApiGatewayResponse or LambdaEventInvokeConfig or LambdaPermission or TopicPolicy or QueuePolicy:
                // Ref: an opaque id (the method id, the account setting's id, the gateway response's id, the config's,
                // permission's or resource policy's id). The gateway reads a GatewayResponse from the stack's
                // resolved properties (DataPlane/GatewayStageBuilder), so nothing else is created for it.
                return (PhysicalNames.StableId(state, id, 12), []);

            case Alarm:
            {
                // Ref: the alarm name; GetAtt Arn (aws-resource-cloudwatch-alarm.html).
                var name = Named("AlarmName", 255);
                return (name, new() { ["Arn"] = $"arn:{partition}:cloudwatch:{region}:{account}:alarm:{name}" });
            }

            case WafIpSet or WafWebAcl:
            {
                // Ref: name|id|scope; GetAtt Arn and Id (aws-resource-wafv2-ipset.html, aws-resource-wafv2-webacl.html).
                var name = Named("Name", 128);
                var scope = ResolvedProperties.String(properties, "Scope") ?? "REGIONAL";
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
                return ($"{ResolvedProperties.RequiredString(properties, "ResourceArn")}|{ResolvedProperties.RequiredString(properties, "WebACLArn")}", []);

            case IamRole:
            {
                // Ref: the role name; GetAtt Arn and RoleId (aws-resource-iam-role.html).
                var name = Named("RoleName", 64);
                var path = ResolvedProperties.String(properties, "Path") ?? "/";
                return (name, new()
                {
                    ["Arn"] = $"arn:{partition}:iam::{account}:role{path}{name}",
                    ["RoleId"] = "AROA" + PhysicalNames.StableId(state, id, 17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
                });
            }

            case LogGroup:
            {
                // Ref: the log group name; GetAtt Arn ends in ":*" (aws-resource-logs-loggroup.html).
                var name = Named("LogGroupName", 512);
                return (name, new() { ["Arn"] = $"arn:{partition}:logs:{region}:{account}:log-group:{name}:*" });
            }

            default:
                throw new NotSupportedException($"{resource.Type} is not a local resource type.");
        }
    }
}
