using SecureLambda.LocalCloud.ApiGateway.Throttling;
using SecureLambda.LocalCloud.ApiGateway.UsagePlans;
using SecureLambda.LocalCloud.ApiGateway.Validation;
using SecureLambda.LocalCloud.Authorizers;
using SecureLambda.LocalCloud.Waf;

namespace SecureLambda.LocalCloud.DataPlane;

/// <summary>A deployed stage of a REST API: what the gateway serves under <c>/{StageName}/…</c>.</summary>
public sealed record GatewayStage(
    string AccountId,
    string ApiId,
    string StageName,
    IReadOnlyList<GatewayResource> Resources,
    StageThrottle Throttle,
    WebAclEvaluator? WebAcl,
    IReadOnlyDictionary<string, GatewayResponseOverride> GatewayResponses)
{
    /// <summary>The stack's API keys and usage plans, which admit a key to this stage or not.</summary>
    public UsagePlanCatalog UsagePlans { get; init; } = UsagePlanCatalog.None;
}

/// <summary>An API resource (a path such as <c>/lambda1</c> or <c>/pets/{id}</c>) with its methods by HTTP verb.</summary>
public sealed record GatewayResource(string ResourceId, string Path, IReadOnlyDictionary<string, GatewayMethod> Methods);

/// <summary>A method and everything the pipeline applies to it before and at its integration.</summary>
/// <param name="Authorizer">Null for <c>AuthorizationType: NONE</c>.</param>
/// <param name="BodyModels">The models by content type when a request validator validates the body; null when it does not.</param>
/// <param name="ApiKeyRequired">The request must carry an API key of a usage plan that covers the stage.</param>
public sealed record GatewayMethod(
    string HttpMethod,
    string ResourceId,
    string ResourcePath,
    CognitoAuthorizerSettings? Authorizer,
    IReadOnlyDictionary<string, JsonSchema>? BodyModels,
    string FunctionArn,
    bool ApiKeyRequired = false);

/// <summary>A template's <c>AWS::ApiGateway::GatewayResponse</c>: what replaces the default answer of one response type.</summary>
public sealed record GatewayResponseOverride(
    string ResponseType,
    int? StatusCode,
    IReadOnlyDictionary<string, string> Headers,
    string? JsonTemplate);
