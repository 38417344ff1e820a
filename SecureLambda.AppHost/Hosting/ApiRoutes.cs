using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;

namespace SecureLambda.AppHost.Hosting;

/// <summary>A method of a REST API that a Cognito authorizer guards: its API, verb, full path and the pools whose tokens it accepts.</summary>
public sealed record CognitoRoute(string RestApi, string HttpMethod, string Path, IReadOnlyList<string> UserPools);

/// <summary>
/// The REST API methods of a template that a <c>COGNITO_USER_POOLS</c> authorizer guards, read from the template as
/// written: the path from each <c>AWS::ApiGateway::Resource</c>'s <c>PathPart</c> up to the API's root, the pools from
/// the authorizer's <c>ProviderARNs</c> (<c>!GetAtt Pool.Arn</c>). The dashboard's greeting commands are made from these.
/// </summary>
public static class ApiRoutes
{
    public const string StageType = "AWS::ApiGateway::Stage";
    public const string RestApiType = "AWS::ApiGateway::RestApi";

    /// <summary>The logical ids of the REST API's stages (<c>RestApiId: !Ref Api</c>), in template order.</summary>
    public static IReadOnlyList<string> StagesOf(CloudFormationTemplate template, string restApi)
    {
        ArgumentNullException.ThrowIfNull(template);
        return [.. template.OfType(StageType).Where(stage => RefOf(stage.Properties["RestApiId"]) == restApi).Select(stage => stage.LogicalId)];
    }

    public static IReadOnlyList<CognitoRoute> CognitoRoutes(CloudFormationTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var routes = new List<CognitoRoute>();
        foreach (var method in template.OfType("AWS::ApiGateway::Method"))
        {
            var properties = method.Properties;
            if (properties["AuthorizationType"]?.GetValue<string>() != "COGNITO_USER_POOLS"
                || RefOf(properties["AuthorizerId"]) is not { } authorizerId
                || RefOf(properties["RestApiId"]) is not { } restApi
                || !template.Resources.TryGetValue(authorizerId, out var authorizer))
            {
                continue;
            }

            var pools = (authorizer.Properties["ProviderARNs"] as JsonArray ?? [])
                .Select(GetAttOf)
                .Where(attribute => attribute is { Attribute: "Arn" })
                .Select(attribute => attribute!.Value.LogicalId)
                .ToList();
            if (pools.Count > 0 && PathOf(template, properties["ResourceId"]) is { } path)
            {
                routes.Add(new CognitoRoute(restApi, properties["HttpMethod"]?.GetValue<string>() ?? "ANY", path, pools));
            }
        }

        return routes;
    }

    /// <summary>The full path of a method's resource: <c>/lambda1</c>; <c>/</c> for the root; null when it is not written as refs to resources.</summary>
    private static string? PathOf(CloudFormationTemplate template, JsonNode? resourceId)
    {
        var segments = new Stack<string>();
        var current = resourceId;
        // A resource chain cannot be longer than the template; a cycle would be a template CloudFormation refuses.
        for (var depth = 0; depth <= template.Resources.Count; depth++)
        {
            if (GetAttOf(current) is { Attribute: "RootResourceId" })
            {
                return "/" + string.Join('/', segments);
            }

            if (RefOf(current) is not { } id || !template.Resources.TryGetValue(id, out var resource) || resource.Type != "AWS::ApiGateway::Resource"
                || resource.Properties["PathPart"]?.GetValue<string>() is not { } part)
            {
                return null;
            }

            segments.Push(part);
            current = resource.Properties["ParentId"];
        }

        return null;
    }

    private static string? RefOf(JsonNode? node) =>
        node is JsonObject { Count: 1 } intrinsic && intrinsic["Ref"] is JsonValue value ? value.GetValue<string>() : null;

    /// <summary><c>{"Fn::GetAtt": ["Id", "Attr"]}</c> or its <c>"Id.Attr"</c> form.</summary>
    private static (string LogicalId, string Attribute)? GetAttOf(JsonNode? node) =>
        node is JsonObject { Count: 1 } intrinsic
            ? intrinsic["Fn::GetAtt"] switch
            {
                JsonArray { Count: 2 } pair => (pair[0]!.GetValue<string>(), pair[1]!.GetValue<string>()),
                JsonValue dotted when dotted.GetValue<string>().Split('.', 2) is [var id, var attribute] => (id, attribute),
                _ => null,
            }
            : null;
}
