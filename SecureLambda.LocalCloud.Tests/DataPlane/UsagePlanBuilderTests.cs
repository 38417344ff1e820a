using System.Text.Json.Nodes;
using SecureLambda.CloudFormation;
using SecureLambda.LocalCloud.ApiGateway.UsagePlans;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.Tests.DataPlane;

/// <summary>
/// The stack's keys and plans as the gateway and <c>get-usage-plans</c> read them, and the settings API Gateway refuses
/// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html), refused by name.
/// </summary>
public sealed class UsagePlanBuilderTests
{
    private static readonly DateTimeOffset Built = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    private static ProvisionedResource Key(string logicalId, string id, string? value = null, bool enabled = true)
    {
        var properties = new JsonObject { ["Name"] = logicalId + "-name", ["Enabled"] = enabled ? "true" : "false" };
        if (value is not null)
        {
            properties["Value"] = value;
        }

        return new(logicalId, LocalResourceProvisioner.ApiKey, id, properties, new Dictionary<string, JsonNode>());
    }

    private static ProvisionedResource Plan(string logicalId, string id, string stages = """[{"ApiId":"api1","Stage":"dev"}]""", string? extra = null) =>
        new(logicalId, LocalResourceProvisioner.UsagePlan, id,
            (JsonObject)JsonNode.Parse($$"""{"UsagePlanName":"{{logicalId}}-name","ApiStages":{{stages}}{{(extra is null ? "" : "," + extra)}}}""")!,
            new Dictionary<string, JsonNode>());

    private static ProvisionedResource PlanKey(string logicalId, string keyId, string planId, string keyType = "API_KEY") =>
        new(logicalId, LocalResourceProvisioner.UsagePlanKey, keyId,
            new JsonObject { ["KeyId"] = keyId, ["KeyType"] = keyType, ["UsagePlanId"] = planId },
            new Dictionary<string, JsonNode>());

    private static ProvisionedStack Stack(IReadOnlyDictionary<string, string>? configuredValues, params ProvisionedResource[] resources) => new(
        new StackState(CloudFormationTemplate.Parse("Resources: {}", "test.yaml"), new StackSettings(Region: "us-east-1")),
        resources,
        new Dictionary<string, string>(),
        [],
        DevApiKey.For(resources, configuredValues ?? new Dictionary<string, string>()),
        []);

    private static ProvisionedStack Stack(params ProvisionedResource[] resources) => Stack(null, resources);

    [Fact]
    public void EachKey_GetsItsDevValue_ConfiguredThenTheTemplatesThenTheKnownDefault()
    {
        var stack = Stack(
            new Dictionary<string, string> { ["Configured"] = "configured-value-123456789" },
            Key("Configured", "k1", value: "template-value-1234567890"),
            Key("FromTemplate", "k2", value: "template-value-0987654321"),
            Key("Generated", "k3"));

        var catalog = UsagePlanBuilder.Build(stack, Built);

        Assert.Equal(
            [("k1", "configured-value-123456789"), ("k2", "template-value-0987654321"), ("k3", DevApiKey.DefaultValuePrefix + "Generated")],
            catalog.Keys.Select(key => (key.Id, key.Value)));
        Assert.Equal(catalog.Keys.Select(key => key.Value), stack.DevApiKeys.Select(key => key.Value));
        Assert.Same(catalog.Keys[2], catalog.FindByValue(DevApiKey.DefaultValuePrefix + "Generated"));
        Assert.Null(catalog.FindByValue(DevApiKey.DefaultValuePrefix + "generated"));
    }

    [Fact]
    public void APlan_ReadsItsStagesThrottleQuotaAndKeys()
    {
        var stack = Stack(
            Key("Key1", "k1"),
            Key("Key2", "k2"),
            Plan("Plan1", "p1", extra: """ "Throttle":{"RateLimit":"20","BurstLimit":"40"},"Quota":{"Limit":"10000","Period":"WEEK","Offset":"1"}"""),
            PlanKey("Plan1Key1", "k1", "p1"),
            PlanKey("Plan1Key2", "k2", "p1"));

        var plan = Assert.Single(UsagePlanBuilder.Build(stack, Built).Plans);

        Assert.Equal(("p1", "Plan1-name"), (plan.Id, plan.Name));
        Assert.Equal([new UsagePlanStage("api1", "dev")], plan.ApiStages);
        Assert.Equal(new(20, 40), plan.Throttle);
        Assert.Equal(new QuotaSettings(10000, 1, QuotaPeriod.Week), plan.Quota);
        Assert.Equal(["k1", "k2"], plan.KeyIds);
        Assert.True(plan.Covers("api1", "dev"));
        Assert.False(plan.Covers("api1", "prod"));
    }

    [Fact]
    public void AKeyInNoPlanForTheStage_HasNoPlanThere()
    {
        var stack = Stack(Key("Key1", "k1"), Key("Loose", "k2"), Plan("Plan1", "p1"), PlanKey("Plan1Key1", "k1", "p1"));

        var catalog = UsagePlanBuilder.Build(stack, Built);

        Assert.Equal("p1", catalog.PlanFor("k1", "api1", "dev")?.Id);
        Assert.Null(catalog.PlanFor("k1", "api1", "prod"));
        Assert.Null(catalog.PlanFor("k2", "api1", "dev"));
    }

    [Theory]
    [InlineData("""[{"ApiId":"api1","Stage":"dev","Throttle":{"/lambda1/POST":{"RateLimit":1,"BurstLimit":1}}}]""", null, "per-method throttles in ApiStages are not emulated")]
    [InlineData("""[{"ApiId":"api1","Stage":"dev"}]""", """ "Throttle":{"RateLimit":"20"}""", "its Throttle needs a RateLimit and a BurstLimit of 0 or more")]
    [InlineData("""[{"ApiId":"api1","Stage":"dev"}]""", """ "Throttle":{"RateLimit":"-1","BurstLimit":"5"}""", "its Throttle needs a RateLimit and a BurstLimit of 0 or more")]
    [InlineData("""[{"ApiId":"api1","Stage":"dev"}]""", """ "Quota":{"Limit":"5","Period":"DAY","Offset":"3"}""", "its Quota cannot be applied: Offset 3 is outside 0 to 0 for a DAY period")]
    [InlineData("""[{"ApiId":"api1","Stage":"dev"}]""", """ "Quota":{"Limit":"5","Period":"YEAR"}""", "its Quota cannot be applied: Period YEAR is not DAY, WEEK or MONTH")]
    public void APlanSettingLocalCloudCannotApply_StopsItNamingThePlan(string stages, string? extra, string reason)
    {
        var stack = Stack(Key("Key1", "k1"), Plan("Plan1", "p1", stages, extra), PlanKey("Plan1Key1", "k1", "p1"));

        var error = Assert.Throws<UnsupportedTemplateException>(() => UsagePlanBuilder.Build(stack, Built));

        Assert.Contains("Plan1", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneKeyInTwoPlansForTheSameStage_IsRefused_AsApiGatewayRefusesIt()
    {
        var stack = Stack(
            Key("Key1", "k1"),
            Plan("Plan1", "p1"),
            Plan("Plan2", "p2"),
            PlanKey("Plan1Key1", "k1", "p1"),
            PlanKey("Plan2Key1", "k1", "p2"));

        var error = Assert.Throws<UnsupportedTemplateException>(() => UsagePlanBuilder.Build(stack, Built));

        Assert.Contains("Key1", error.Message, StringComparison.Ordinal);
        Assert.Contains("Plan1 and Plan2 for the same stage dev", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoKeysWithOneValue_AreRefused_SinceAKeyValueNamesOneKey()
    {
        var stack = Stack(Key("Key1", "k1", value: "same-value-1234567890"), Key("Key2", "k2", value: "same-value-1234567890"));

        var error = Assert.Throws<UnsupportedTemplateException>(() => UsagePlanBuilder.Build(stack, Built));

        Assert.Contains("Key1", error.Message, StringComparison.Ordinal);
        Assert.Contains("also the value of Key2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("k9", "p1", "API_KEY", "its KeyId k9 is not an API key of the stack")]
    [InlineData("k1", "p9", "API_KEY", "its UsagePlanId p9 is not a usage plan of the stack")]
    [InlineData("k1", "p1", "OTHER", "KeyType OTHER is not API_KEY")]
    public void APlanKeyThatNamesNothingKnown_IsRefusedByName(string keyId, string planId, string keyType, string reason)
    {
        var stack = Stack(Key("Key1", "k1"), Plan("Plan1", "p1"), PlanKey("Broken", keyId, planId, keyType));

        var error = Assert.Throws<UnsupportedTemplateException>(() => UsagePlanBuilder.Build(stack, Built));

        Assert.Contains("Broken", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
