using SecureLambda.LocalCloud.ApiGateway.Throttling;

namespace SecureLambda.LocalCloud.ApiGateway.UsagePlans;

/// <summary>
/// An <c>AWS::ApiGateway::ApiKey</c> as API Gateway holds it. Its value is LocalCloud's dev value: in AWS the service
/// generates it, so the template never holds one.
/// </summary>
public sealed record ApiKeyDefinition(
    string Id,
    string LogicalId,
    string Name,
    string? Description,
    bool Enabled,
    string Value,
    DateTimeOffset CreatedDate);

/// <summary>An API stage a usage plan covers.</summary>
public sealed record UsagePlanStage(string ApiId, string Stage);

/// <summary>An <c>AWS::ApiGateway::UsagePlan</c> with the keys its <c>AWS::ApiGateway::UsagePlanKey</c>s give it.</summary>
/// <param name="Throttle">Null when the plan sets no throttle: the plan then limits no rate.</param>
/// <param name="Quota">Null when the plan sets no quota.</param>
public sealed record UsagePlanDefinition(
    string Id,
    string LogicalId,
    string Name,
    string? Description,
    IReadOnlyList<UsagePlanStage> ApiStages,
    ThrottleLimits? Throttle,
    QuotaSettings? Quota,
    IReadOnlyList<string> KeyIds)
{
    public bool Covers(string apiId, string stageName) =>
        ApiStages.Any(stage => stage.ApiId == apiId && stage.Stage == stageName);
}

/// <summary>
/// Every API key and usage plan of the stack, as <c>get-api-keys</c> and <c>get-usage-plans</c> list them, and the
/// lookup the gateway's API key step makes: from the <c>x-api-key</c> value to the key and the plan that admits it to a stage.
/// </summary>
public sealed class UsagePlanCatalog
{
    private readonly Dictionary<string, ApiKeyDefinition> _byValue;

    public UsagePlanCatalog(IReadOnlyList<ApiKeyDefinition> keys, IReadOnlyList<UsagePlanDefinition> plans)
    {
        Keys = keys;
        Plans = plans;
        _byValue = keys.ToDictionary(key => key.Value, StringComparer.Ordinal);
    }

    public static UsagePlanCatalog None { get; } = new([], []);

    public IReadOnlyList<ApiKeyDefinition> Keys { get; }

    public IReadOnlyList<UsagePlanDefinition> Plans { get; }

    public ApiKeyDefinition? FindByValue(string value) => _byValue.GetValueOrDefault(value);

    /// <summary>The plan that gives the key access to the stage. API Gateway lets a key be in one plan per stage at most.</summary>
    public UsagePlanDefinition? PlanFor(string keyId, string apiId, string stageName) =>
        Plans.FirstOrDefault(plan => plan.KeyIds.Contains(keyId) && plan.Covers(apiId, stageName));
}
