using System.Globalization;
using System.Net;
using System.Text.Json;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.ApiGateway.UsagePlans;

/// <summary>Each client app's plan made small: 1 request/s with a burst of 3, and a quota no test here reaches.</summary>
public sealed class TightUsagePlanApp() : LocalCloudApp(new()
{
    ["LocalCloud:Parameters:ClientThrottlingRateLimit"] = "1",
    ["LocalCloud:Parameters:ClientThrottlingBurstLimit"] = "3",
    ["LocalCloud:Parameters:ClientDailyQuota"] = "1000",
});

/// <summary>Each client app's plan with a quota of 6 requests a day, and a throttle no test here reaches.</summary>
public sealed class SmallQuotaApp() : LocalCloudApp(new()
{
    ["LocalCloud:Parameters:ClientThrottlingRateLimit"] = "100",
    ["LocalCloud:Parameters:ClientThrottlingBurstLimit"] = "100",
    ["LocalCloud:Parameters:ClientDailyQuota"] = "6",
});

/// <summary>
/// API keys and usage plans through the running gateway, with real tokens and the production template. API Gateway
/// checks the key after the authorizer (a request the authorizer refuses never counts against the key), then the key's
/// plan: its quota and its throttle, each key with its own, on top of the stage's throttle.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
/// The tests share one app, so one usage meter: the fake clock moves forward at the start of a test to refill the plans'
/// buckets, and the quota, which only a day refills, is spent in <see cref="DailyQuotaTests"/> on an app of its own.
/// </summary>
public sealed class ApiKeyGatewayTests(TightUsagePlanApp app) : IClassFixture<TightUsagePlanApp>
{
    private const string Lambda1 = "/development/lambda1";

    private string Endpoint => app.AwsEndpoint.ToString().TrimEnd('/');

    [Theory]
    [InlineData(null)]
    [InlineData("guessed-api-key-value-0123456789")]
    [InlineData("TEST-CLIENT-APP-1-KEY-6F1C2D9E")] // client app 1's in capitals: a key's value is case-sensitive
    public async Task CallTheApi_WithAValidTokenButNoKeyOfAPlan_Is403Forbidden_AndNeverReachesTheFunction(string? apiKey)
    {
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");
        var before = app.Lambda1.Events;

        using var response = await app.PostAsync(Lambda1, token, apiKey: apiKey);

        await GatewayScenarioTests.AssertAnswerAsync(response, HttpStatusCode.Forbidden, "{\"message\":\"Forbidden\"}");
        Assert.Equal("ForbiddenException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal(before, app.Lambda1.Events);
    }

    [Fact]
    public async Task AValidKey_WithAValidToken_Is200_AndTheFunctionSeesTheKeyInTheProxyEvent()
    {
        RefillBuckets();
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");

        using var response = await app.PostAsync(Lambda1, token, apiKey: LocalCloudServer.ClientApp2Key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var identity = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
            .RootElement.GetProperty("requestContext").GetProperty("identity");
        Assert.Equal(LocalCloudServer.ClientApp2Key, identity.GetProperty("apiKey").GetString());
        Assert.Equal(app.Outputs.GetProperty("ClientApp2ApiKeyId").GetString(), identity.GetProperty("apiKeyId").GetString());
    }

    [Fact]
    public async Task AValidKey_WithTheOtherPoolsToken_Is401_BecauseTheAuthorizerStillDecides_AndTheKeyIsNotCharged()
    {
        RefillBuckets();
        var user2 = await app.SignInAsync(LocalCloudApp.User2, "UserPool2ClientId");
        var keyId = app.Outputs.GetProperty("ClientApp2ApiKeyId").GetString()!;
        var usedBefore = await UsedTodayAsync("ClientApp2ApiKeyId", keyId);

        using var withKey = await app.PostAsync(Lambda1, user2, apiKey: LocalCloudServer.ClientApp2Key);
        using var withoutKey = await app.PostAsync(Lambda1, user2, apiKey: null);

        await GatewayScenarioTests.AssertAnswerAsync(withKey, HttpStatusCode.Unauthorized, "{\"message\":\"Unauthorized\"}");
        await GatewayScenarioTests.AssertAnswerAsync(withoutKey, HttpStatusCode.Unauthorized, "{\"message\":\"Unauthorized\"}");
        Assert.Equal(usedBefore, await UsedTodayAsync("ClientApp2ApiKeyId", keyId));
    }

    [Fact]
    public async Task ANoisyClient_PastItsPlansBurst_Gets429TooManyRequests_WhileTheOtherClientKeepsWorking()
    {
        RefillBuckets();
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");

        // The fake clock stands still: no token comes back into client app 2's bucket of 3.
        var burst = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var admitted = await app.PostAsync(Lambda1, token, apiKey: LocalCloudServer.ClientApp2Key);
            burst.Add(admitted.StatusCode);
        }

        using var throttled = await app.PostAsync(Lambda1, token, apiKey: LocalCloudServer.ClientApp2Key);
        using var other = await app.PostAsync(Lambda1, token, apiKey: LocalCloudServer.ClientApp1Key);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], burst);
        await GatewayScenarioTests.AssertAnswerAsync(throttled, HttpStatusCode.TooManyRequests, "{\"message\":\"Too Many Requests\"}");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task TheAwsCli_ListsTheKeysWithTheirValues_AndThePlansWithTheTemplatesLimits()
    {
        var apis = await AwsCli.RunAsync("--endpoint-url", Endpoint, "apigateway", "get-rest-apis");
        var api = Assert.Single(apis.GetProperty("items").EnumerateArray());
        var apiId = api.GetProperty("id").GetString()!;
        Assert.Equal("HEADER", api.GetProperty("apiKeySource").GetString());

        var keys = await AwsCli.RunAsync("--endpoint-url", Endpoint, "apigateway", "get-api-keys", "--include-values");
        Assert.Equal(
            [
                (app.Outputs.GetProperty("ClientApp1ApiKeyId").GetString(), "secure-lambda-ClientApp1", LocalCloudServer.ClientApp1Key, true, $"{apiId}/development"),
                (app.Outputs.GetProperty("ClientApp2ApiKeyId").GetString(), "secure-lambda-ClientApp2", LocalCloudServer.ClientApp2Key, true, $"{apiId}/development"),
            ],
            keys.GetProperty("items").EnumerateArray().Select(key => (
                key.GetProperty("id").GetString(),
                key.GetProperty("name").GetString(),
                key.GetProperty("value").GetString(),
                key.GetProperty("enabled").GetBoolean(),
                Assert.Single(key.GetProperty("stageKeys").EnumerateArray()).GetString())));

        // Without --include-values, no value is shown, as in AWS.
        var withoutValues = await AwsCli.RunAsync("--endpoint-url", Endpoint, "apigateway", "get-api-keys");
        Assert.All(withoutValues.GetProperty("items").EnumerateArray(), key => Assert.False(key.TryGetProperty("value", out _)));

        var plans = await AwsCli.RunAsync("--endpoint-url", Endpoint, "apigateway", "get-usage-plans");
        Assert.Equal(2, plans.GetProperty("items").GetArrayLength());
        Assert.All(plans.GetProperty("items").EnumerateArray(), plan =>
        {
            Assert.Equal((1.0, 3), (plan.GetProperty("throttle").GetProperty("rateLimit").GetDouble(), plan.GetProperty("throttle").GetProperty("burstLimit").GetInt32()));
            Assert.Equal((1000, "DAY"), (plan.GetProperty("quota").GetProperty("limit").GetInt32(), plan.GetProperty("quota").GetProperty("period").GetString()));
            var stage = Assert.Single(plan.GetProperty("apiStages").EnumerateArray());
            Assert.Equal((apiId, "development"), (stage.GetProperty("apiId").GetString(), stage.GetProperty("stage").GetString()));
        });

        var keyId = app.Outputs.GetProperty("ClientApp1ApiKeyId").GetString()!;
        var planOfKey = Assert.Single((await AwsCli.RunAsync("--endpoint-url", Endpoint, "apigateway", "get-usage-plans", "--key-id", keyId)).GetProperty("items").EnumerateArray());
        var planKeys = await AwsCli.RunAsync("--endpoint-url", Endpoint, "apigateway", "get-usage-plan-keys", "--usage-plan-id", planOfKey.GetProperty("id").GetString()!);
        Assert.Equal(keyId, Assert.Single(planKeys.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task TheAwsCli_GetsAwsErrors_ForWhatIsNotThere_AndForWrites()
    {
        var planId = await PlanIdOfAsync("ClientApp1ApiKeyId");
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AwsCli.RunAsync("--endpoint-url", Endpoint, "apigateway", "get-api-key", "--api-key", "nosuchkey1"));
        var write = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AwsCli.RunAsync("--endpoint-url", Endpoint, "apigateway", "create-api-key", "--name", "mallory", "--enabled"));
        var badDates = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AwsCli.RunAsync("--endpoint-url", Endpoint, "apigateway", "get-usage", "--usage-plan-id", planId, "--start-date", "2026-12-03", "--end-date", "2026-12-01"));

        Assert.Contains("(NotFoundException) when calling the GetApiKey operation: Invalid API Key identifier specified", missing.Message, StringComparison.Ordinal);
        Assert.Contains("(BadRequestException) when calling the CreateApiKey operation", write.Message, StringComparison.Ordinal);
        Assert.Contains("(BadRequestException) when calling the GetUsage operation", badDates.Message, StringComparison.Ordinal);
    }

    /// <summary>An attacker on the machine (a web page, another process) wants the keys: unsigned, they get nothing.</summary>
    [Fact]
    public async Task ReadTheApiKeys_WithoutSigning_IsRefusedAsAwsRefuses()
    {
        using var http = new HttpClient { BaseAddress = app.AwsEndpoint };

        using var response = await http.GetAsync(new Uri("/apikeys?includeValues=true", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain(LocalCloudServer.ClientApp1Key, body, StringComparison.Ordinal);
    }

    /// <summary>A compromised function wants another app's key to spend its quota: its role grants no apigateway:GET.</summary>
    [Fact]
    public async Task ReadTheApiKeys_AsAFunctionsRole_IsDeniedByIam()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AwsCli.RunAsync(app.Server.AwsEnvironmentFor("ExternalLambda1"), ["--endpoint-url", Endpoint, "apigateway", "get-api-keys", "--include-values"]));

        Assert.Contains("AccessDenied", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(LocalCloudServer.ClientApp2Key, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Enough fake time for every plan's bucket (3 tokens at 1/s) to be full again.</summary>
    private void RefillBuckets() => app.Clock.Advance(TimeSpan.FromSeconds(5));

    private Task<long> UsedTodayAsync(string keyOutput, string keyId) => UsageReads.UsedTodayAsync(app, keyOutput, keyId);

    private Task<string> PlanIdOfAsync(string keyOutput) => UsageReads.PlanIdOfAsync(app, keyOutput);

}

/// <summary>
/// A client app that spends its daily quota is refused with QUOTA_EXCEEDED while the other app goes on; the only test
/// of its app, since a quota comes back only with the next UTC day.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
/// </summary>
public sealed class DailyQuotaTests(SmallQuotaApp app) : IClassFixture<SmallQuotaApp>
{
    private const string Lambda1 = "/development/lambda1";

    [Fact]
    public async Task AClientPastItsDailyQuota_Gets429LimitExceeded_WhileTheOtherClientKeepsWorking_AndGetUsageCountsIt()
    {
        // The app's fake clock stands still, so every request falls in the same UTC day.
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");
        var keyId = app.Outputs.GetProperty("ClientApp1ApiKeyId").GetString()!;
        var invokedBefore = app.Lambda1.Events;

        HttpResponseMessage? refused = null;
        for (var sent = 0; sent < 10 && refused is null; sent++)
        {
            var response = await app.PostAsync(Lambda1, token, apiKey: LocalCloudServer.ClientApp1Key);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                response.Dispose();
            }
            else
            {
                refused = response;
            }
        }

        using (refused)
        {
            Assert.NotNull(refused);
            await GatewayScenarioTests.AssertAnswerAsync(refused, HttpStatusCode.TooManyRequests, "{\"message\":\"Limit Exceeded\"}");
            Assert.Equal("LimitExceededException", refused.Headers.GetValues("x-amzn-ErrorType").Single());
        }

        Assert.Equal(6, app.Lambda1.Events - invokedBefore);
        using var other = await app.PostAsync(Lambda1, token, apiKey: LocalCloudServer.ClientApp2Key);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        // aws apigateway get-usage: today's [used, remaining] for the key, exactly.
        var usage = await UsageReads.GetUsageAsync(app, "ClientApp1ApiKeyId", keyId);
        // (The CLI names the wire's "values" member "items".)
        Assert.Equal([[6L, 0L]], usage.GetProperty("items").GetProperty(keyId).EnumerateArray().Select(day => day.EnumerateArray().Select(n => n.GetInt64()).ToArray()));
    }
}

/// <summary><c>aws apigateway get-usage-plans</c> and <c>get-usage</c> for one key, today by the app's clock.</summary>
internal static class UsageReads
{
    private static string Endpoint(LocalCloudApp app) => app.AwsEndpoint.ToString().TrimEnd('/');

    public static async Task<string> PlanIdOfAsync(LocalCloudApp app, string keyOutput)
    {
        var plans = await AwsCli.RunAsync("--endpoint-url", Endpoint(app), "apigateway", "get-usage-plans", "--key-id", app.Outputs.GetProperty(keyOutput).GetString()!);
        return Assert.Single(plans.GetProperty("items").EnumerateArray()).GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement> GetUsageAsync(LocalCloudApp app, string keyOutput, string keyId)
    {
        var today = app.Clock.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return await AwsCli.RunAsync(
            "--endpoint-url", Endpoint(app), "apigateway", "get-usage", "--usage-plan-id", await PlanIdOfAsync(app, keyOutput), "--key-id", keyId, "--start-date", today, "--end-date", today);
    }

    public static async Task<long> UsedTodayAsync(LocalCloudApp app, string keyOutput, string keyId) =>
        (await GetUsageAsync(app, keyOutput, keyId)).GetProperty("items").GetProperty(keyId)[0][0].GetInt64();
}
