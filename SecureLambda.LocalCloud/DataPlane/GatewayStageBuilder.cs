using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.LocalCloud.ApiGateway.Throttling;
using SecureLambda.LocalCloud.ApiGateway.UsagePlans;
using SecureLambda.LocalCloud.ApiGateway.Validation;
using SecureLambda.LocalCloud.Authorizers;
using SecureLambda.LocalCloud.Provisioning;
using SecureLambda.LocalCloud.Waf;

namespace SecureLambda.LocalCloud.DataPlane;

/// <summary>
/// Reads the REST APIs of the provisioned stack into the stages the gateway serves: the resource tree, methods with their
/// authorizers, validators and models, the stage's throttling, its WAF web ACL and the gateway responses. Anything the
/// gateway cannot emulate exactly (another integration or authorization type) is a startup error naming the resource.
/// </summary>
public static class GatewayStageBuilder
{
    public static IReadOnlyList<GatewayStage> Build(ProvisionedStack stack, TimeProvider timeProvider, UsagePlanCatalog usagePlans)
    {
        var stages = new List<GatewayStage>();
        foreach (var api in stack.OfType("AWS::ApiGateway::RestApi"))
        {
            var apiId = api.PhysicalId;
            // AUTHORIZER would take the key from a Lambda authorizer's usageIdentifierKey; there are none to run here.
            // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html
            if (api.GetString("ApiKeySourceType") is { } keySource and not "HEADER")
            {
                throw Unsupported(api, $"ApiKeySourceType {keySource} is not emulated (only HEADER)");
            }

            var resources = BuildResources(stack, api);
            var responses = stack.OfType("AWS::ApiGateway::GatewayResponse")
                .Where(r => r.GetString("RestApiId") == apiId)
                .Select(ReadGatewayResponse)
                .ToDictionary(r => r.ResponseType, StringComparer.Ordinal);
            foreach (var stage in stack.OfType("AWS::ApiGateway::Stage").Where(s => s.GetString("RestApiId") == apiId))
            {
                var stageName = stage.GetString("StageName") ?? stage.PhysicalId;
                stages.Add(new GatewayStage(
                    stack.State.Settings.AccountId,
                    apiId,
                    stageName,
                    resources,
                    StageThrottle.FromTemplate(stage.TypedProperties, timeProvider),
                    WebAclFor(stack, apiId, stageName, timeProvider),
                    responses)
                {
                    UsagePlans = usagePlans,
                });
            }
        }

        return stages;
    }

    private static List<GatewayResource> BuildResources(ProvisionedStack stack, ProvisionedResource api)
    {
        var apiId = api.PhysicalId;
        var rootId = api.Attributes.TryGetValue("RootResourceId", out var root) ? root.GetValue<string>() : throw Unsupported(api, "it has no RootResourceId");
        var apiResources = stack.OfType("AWS::ApiGateway::Resource").Where(r => r.GetString("RestApiId") == apiId).ToList();
        var paths = new Dictionary<string, string>(StringComparer.Ordinal) { [rootId] = "/" };

        string PathOf(ProvisionedResource resource, int depth)
        {
            if (paths.TryGetValue(resource.PhysicalId, out var known))
            {
                return known;
            }

            if (depth > apiResources.Count)
            {
                throw Unsupported(resource, "its ParentId chain does not reach the API's root resource");
            }

            var parentId = resource.GetString("ParentId") ?? throw Unsupported(resource, "it has no ParentId");
            var parentPath = parentId == rootId
                ? "/"
                : PathOf(apiResources.FirstOrDefault(r => r.PhysicalId == parentId) ?? throw Unsupported(resource, $"its parent {parentId} is not a resource of the API"), depth + 1);
            var path = (parentPath == "/" ? "" : parentPath) + "/" + (resource.GetString("PathPart") ?? throw Unsupported(resource, "it has no PathPart"));
            paths[resource.PhysicalId] = path;
            return path;
        }

        foreach (var resource in apiResources)
        {
            PathOf(resource, 0);
        }

        var methods = stack.OfType("AWS::ApiGateway::Method").Where(m => m.GetString("RestApiId") == apiId)
            .Select(m => BuildMethod(stack, m, paths))
            .GroupBy(m => m.ResourceId);
        return [.. methods.Select(group => new GatewayResource(
            group.Key,
            paths[group.Key],
            group.ToDictionary(m => m.HttpMethod, StringComparer.Ordinal)))];
    }

    private static GatewayMethod BuildMethod(ProvisionedStack stack, ProvisionedResource method, Dictionary<string, string> paths)
    {
        var httpMethod = (method.GetString("HttpMethod") ?? throw Unsupported(method, "it has no HttpMethod")).ToUpperInvariant();
        var resourceId = method.GetString("ResourceId") ?? throw Unsupported(method, "it has no ResourceId");
        if (!paths.TryGetValue(resourceId, out var path))
        {
            throw Unsupported(method, $"its ResourceId {resourceId} is not a resource of the API");
        }

        var authorizationType = method.GetString("AuthorizationType") ?? "NONE";
        var authorizer = authorizationType switch
        {
            "NONE" => null,
            "COGNITO_USER_POOLS" => CognitoAuthorizer(stack, method),
            _ => throw Unsupported(method, $"AuthorizationType {authorizationType} is not emulated (only NONE and COGNITO_USER_POOLS)"),
        };

        var integration = method.TypedProperties.OptionalObject("Integration") ?? throw Unsupported(method, "it has no Integration");
        var integrationType = integration.OptionalString("Type");
        if (integrationType != "AWS_PROXY")
        {
            throw Unsupported(method, $"integration type {integrationType} is not emulated (only AWS_PROXY)");
        }

        var functionArn = FunctionArnFromIntegrationUri(integration.OptionalString("Uri") ?? throw Unsupported(method, "its integration has no Uri"))
            ?? throw Unsupported(method, "its integration Uri is not a Lambda function invocation URI");

        return new GatewayMethod(httpMethod, resourceId, path, authorizer, BodyModels(stack, method), functionArn,
            method.TypedProperties.OptionalBool("ApiKeyRequired") ?? false);
    }

    private static CognitoAuthorizerSettings CognitoAuthorizer(ProvisionedStack stack, ProvisionedResource method)
    {
        var authorizerId = method.GetString("AuthorizerId") ?? throw Unsupported(method, "AuthorizationType COGNITO_USER_POOLS needs an AuthorizerId");
        var authorizer = stack.OfType("AWS::ApiGateway::Authorizer").FirstOrDefault(a => a.PhysicalId == authorizerId)
            ?? throw Unsupported(method, $"its authorizer {authorizerId} is not in the stack");
        if (authorizer.GetString("Type") != "COGNITO_USER_POOLS")
        {
            throw Unsupported(authorizer, $"authorizer type {authorizer.GetString("Type")} is not emulated (only COGNITO_USER_POOLS)");
        }

        return CognitoAuthorizerSettings.FromTemplate(authorizer.TypedProperties, stack.State.Settings.Region, poolIds => stack.OfType("AWS::Cognito::UserPoolClient")
            .Where(client => poolIds.Contains(client.GetString("UserPoolId") ?? ""))
            .Select(client => client.PhysicalId)
            .ToHashSet(StringComparer.Ordinal));
    }

    private static Dictionary<string, JsonSchema>? BodyModels(ProvisionedStack stack, ProvisionedResource method)
    {
        var validatorId = method.GetString("RequestValidatorId");
        if (validatorId is null)
        {
            return null;
        }

        var validator = stack.OfType("AWS::ApiGateway::RequestValidator").FirstOrDefault(v => v.PhysicalId == validatorId)
            ?? throw Unsupported(method, $"its request validator {validatorId} is not in the stack");
        if (validator.TypedProperties.OptionalBool("ValidateRequestBody") != true)
        {
            return null;
        }

        var models = new Dictionary<string, JsonSchema>(StringComparer.OrdinalIgnoreCase);
        var requestModels = method.TypedProperties.OptionalObject("RequestModels");
        foreach (var contentType in requestModels?.Json.Select(entry => entry.Key) ?? [])
        {
            var modelName = requestModels!.RequiredString(contentType);
            var model = stack.OfType("AWS::ApiGateway::Model").FirstOrDefault(m => m.PhysicalId == modelName)
                ?? throw Unsupported(method, $"its model {modelName} is not in the stack");
            models[contentType] = JsonSchema.Parse(model.Properties["Schema"] ?? throw Unsupported(model, "it has no Schema"), model.LogicalId);
        }

        return models;
    }

    private static WebAclEvaluator? WebAclFor(ProvisionedStack stack, string apiId, string stageName, TimeProvider timeProvider)
    {
        var stageArnSuffix = $"/restapis/{apiId}/stages/{stageName}";
        return WebAclAssociations.For(stack, arn => arn.EndsWith(stageArnSuffix, StringComparison.Ordinal), timeProvider);
    }

    private static GatewayResponseOverride ReadGatewayResponse(ProvisionedResource response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var parameters = response.TypedProperties.OptionalObject("ResponseParameters");
        foreach (var name in parameters?.Json.Select(entry => entry.Key) ?? [])
        {
            const string prefix = "gatewayresponse.header.";
            if (name.StartsWith(prefix, StringComparison.Ordinal) && parameters!.OptionalString(name) is { } text)
            {
                // Static values are single-quoted in the template: 'value'.
                headers[name[prefix.Length..]] = text.Length >= 2 && text[0] == '\'' && text[^1] == '\'' ? text[1..^1] : text;
            }
        }

        return new GatewayResponseOverride(
            response.GetString("ResponseType") ?? throw Unsupported(response, "it has no ResponseType"),
            response.TypedProperties.OptionalInt("StatusCode"),
            headers,
            response.TypedProperties.OptionalObject("ResponseTemplates")?.OptionalString("application/json"));
    }

    /// <summary>The function ARN in <c>arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations</c>.</summary>
    public static string? FunctionArnFromIntegrationUri(string uri)
    {
        const string marker = ":lambda:path/2015-03-31/functions/";
        var start = uri.IndexOf(marker, StringComparison.Ordinal);
        var end = uri.LastIndexOf("/invocations", StringComparison.Ordinal);
        return start < 0 || end <= start ? null : uri[(start + marker.Length)..end];
    }

    private static UnsupportedTemplateException Unsupported(ProvisionedResource resource, string why) =>
        new(resource.LogicalId, resource.Type, $"LocalCloud cannot serve it: {why}.");
}
