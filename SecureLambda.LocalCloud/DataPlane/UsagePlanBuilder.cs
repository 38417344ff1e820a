using SecureLambda.CloudFormation;
using SecureLambda.LocalCloud.ApiGateway.Throttling;
using SecureLambda.LocalCloud.ApiGateway.UsagePlans;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.DataPlane;

/// <summary>
/// Reads the stack's API keys (with the dev values provisioning gave them, <see cref="DevApiKey"/>), usage plans and
/// usage plan keys. A plan setting API Gateway would refuse, or one LocalCloud does not emulate (per-method throttles
/// in <c>ApiStages</c>), stops LocalCloud naming the resource.
/// </summary>
public static class UsagePlanBuilder
{
    public static UsagePlanCatalog Build(ProvisionedStack stack, DateTimeOffset createdDate)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var keys = stack.OfType(LocalResourceProvisioner.ApiKey).Select(key => new ApiKeyDefinition(
            key.PhysicalId,
            key.LogicalId,
            key.GetString("Name") ?? key.LogicalId,
            key.GetString("Description"),
            key.TypedProperties.OptionalBool("Enabled") ?? false,
            stack.DevApiKeys.Single(dev => dev.LogicalId == key.LogicalId).Value,
            createdDate)).ToList();
        var duplicate = keys.GroupBy(key => key.Value, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            var first = duplicate.First();
            throw new UnsupportedTemplateException(first.LogicalId, LocalResourceProvisioner.ApiKey,
                $"its value is also the value of {string.Join(", ", duplicate.Skip(1).Select(key => key.LogicalId))}; API Gateway keeps key values unique.");
        }

        var planKeys = stack.OfType(LocalResourceProvisioner.UsagePlanKey).ToList();
        foreach (var planKey in planKeys)
        {
            if (planKey.GetString("KeyType") is not "API_KEY")
            {
                throw Unsupported(planKey, $"KeyType {planKey.GetString("KeyType") ?? "(none)"} is not API_KEY");
            }

            if (keys.All(key => key.Id != planKey.GetString("KeyId")))
            {
                throw Unsupported(planKey, $"its KeyId {planKey.GetString("KeyId")} is not an API key of the stack");
            }
        }

        var plans = stack.OfType(LocalResourceProvisioner.UsagePlan).Select(plan => ReadPlan(plan, planKeys)).ToList();
        foreach (var planKey in planKeys.Where(planKey => plans.All(plan => plan.Id != planKey.GetString("UsagePlanId"))))
        {
            throw Unsupported(planKey, $"its UsagePlanId {planKey.GetString("UsagePlanId")} is not a usage plan of the stack");
        }

        // "A given API key can only be associated with one usage plan for each stage of your API."
        // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
        var twice = plans.SelectMany(plan => plan.KeyIds.SelectMany(keyId => plan.ApiStages.Select(stage => (keyId, stage, plan))))
            .GroupBy(entry => (entry.keyId, entry.stage))
            .FirstOrDefault(group => group.Count() > 1);
        if (twice is not null)
        {
            var key = keys.First(key => key.Id == twice.Key.keyId);
            throw new UnsupportedTemplateException(key.LogicalId, LocalResourceProvisioner.ApiKey,
                $"it is in the usage plans {string.Join(" and ", twice.Select(entry => entry.plan.LogicalId))} for the same stage {twice.Key.stage.Stage}; API Gateway allows one plan per key and stage.");
        }

        return new UsagePlanCatalog(keys, plans);
    }

    private static UsagePlanDefinition ReadPlan(ProvisionedResource plan, IReadOnlyList<ProvisionedResource> planKeys)
    {
        var properties = plan.TypedProperties;
        var stages = properties.ObjectList("ApiStages").Select(stage => stage.Has("Throttle")
            ? throw Unsupported(plan, "per-method throttles in ApiStages are not emulated (set the plan's Throttle)")
            : new UsagePlanStage(stage.RequiredString("ApiId"), stage.RequiredString("Stage"))).ToList();

        ThrottleLimits? throttle = null;
        if (properties.OptionalObject("Throttle") is { } limits)
        {
            var rate = limits.OptionalDouble("RateLimit");
            var burst = limits.OptionalInt("BurstLimit");
            throttle = (rate, burst) switch
            {
                ({ } r, { } b) when r >= 0 && b >= 0 => new ThrottleLimits(r, b),
                _ => throw Unsupported(plan, "its Throttle needs a RateLimit and a BurstLimit of 0 or more"),
            };
        }

        QuotaSettings? quota = null;
        if (properties.OptionalObject("Quota") is { } settings)
        {
            quota = QuotaSettings.TryCreate(settings.OptionalLong("Limit") ?? 0, settings.OptionalInt("Offset") ?? 0, settings.OptionalString("Period"), out var problem)
                ?? throw Unsupported(plan, $"its Quota cannot be applied: {problem}");
        }

        var keyIds = planKeys.Where(planKey => planKey.GetString("UsagePlanId") == plan.PhysicalId)
            .Select(planKey => planKey.GetString("KeyId")!)
            .ToList();
        return new UsagePlanDefinition(
            plan.PhysicalId, plan.LogicalId, plan.GetString("UsagePlanName") ?? plan.LogicalId, plan.GetString("Description"), stages, throttle, quota, keyIds);
    }

    private static UnsupportedTemplateException Unsupported(ProvisionedResource resource, string why) =>
        new(resource.LogicalId, resource.Type, $"LocalCloud cannot serve it: {why}.");
}
