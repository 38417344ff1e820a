using System.Globalization;
using System.Net;
using SecureLambda.Testing;
using static SecureLambda.IntegrationTests.AppHost.SecureLambdaApp;

namespace SecureLambda.IntegrationTests.AppHost;

/// <summary>The AppHost with each client app's daily quota set to 2 requests through the template's parameter.</summary>
public sealed class SmallQuotaApp : SecureLambdaApp
{
    public const int DailyQuota = 2;

    protected override IEnumerable<string> ExtraArguments => [$"--LocalCloud:Parameters:ClientDailyQuota={DailyQuota}"];
}

/// <summary>
/// A client app's daily quota through the running AppHost with the real functions: spent, it gives QUOTA_EXCEEDED
/// (429 "Limit Exceeded") while the other app goes on, and <c>aws apigateway get-usage</c> counts exactly what passed.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
/// (The plans' throttles are shown on a fake clock in LocalCloud's tests: real time cannot hold a bucket still.)
/// </summary>
[Collection(AppHostCollectionDefinition.Name)]
public sealed class ApiKeyQuotaTests(SmallQuotaApp stack) : IClassFixture<SmallQuotaApp>
{
    [Fact]
    public async Task AClientPastItsDailyQuota_Is429LimitExceeded_TheOtherClientIsGreeted_AndGetUsageCountsIt()
    {
        var token = await stack.IdTokenAsync(User1);
        var names = Enumerable.Range(0, SmallQuotaApp.DailyQuota).Select(_ => UniqueName("Ada")).ToList();
        var spent = new List<(HttpStatusCode, string)>();
        foreach (var name in names)
        {
            spent.Add(await stack.PostAsync("/development/lambda1", token, $"{{\"name\":\"{name}\"}}"));
        }

        Assert.All(spent, answer => Assert.Equal(HttpStatusCode.OK, answer.Item1));
        foreach (var name in names)
        {
            await stack.WaitForInternalGreetingAsync(name);
        }

        var refusedName = UniqueName("Over");
        var since = stack.InternalLambdaLog.Count;
        var refused = await stack.PostAsync("/development/lambda1", token, $"{{\"name\":\"{refusedName}\"}}");
        var otherName = UniqueName("Grace");
        var other = await stack.PostAsync("/development/lambda1", token, $"{{\"name\":\"{otherName}\"}}", apiKeyOf: ClientApp2ApiKey);

        Assert.Equal((HttpStatusCode.TooManyRequests, "{\"message\":\"Limit Exceeded\"}"), refused);
        Assert.Equal(HttpStatusCode.OK, other.Status);
        // Client app 2's greeting is the first InternalLambda logs after the refused request: nothing of it was published.
        var next = await stack.InternalLambdaLog.WaitForLineAsync(
            line => line.Contains("Greetings from InternalLambda!", StringComparison.Ordinal), StepTimeout, TestContext.Current.CancellationToken, since);
        Assert.Contains(InternalGreeting(otherName), next, StringComparison.Ordinal);

        var endpoint = stack.AwsEndpoint.ToString().TrimEnd('/');
        var keyId = stack.Outputs.GetProperty("ClientApp1ApiKeyId").GetString()!;
        var plan = Assert.Single((await AwsCli.RunAsync("--endpoint-url", endpoint, "apigateway", "get-usage-plans", "--key-id", keyId)).GetProperty("items").EnumerateArray());
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var usage = await AwsCli.RunAsync("--endpoint-url", endpoint, "apigateway", "get-usage",
            "--usage-plan-id", plan.GetProperty("id").GetString()!, "--start-date", today, "--end-date", today);
        // The CLI names the wire's "values" member "items": {keyId: [[used, remaining]]}.
        var day = Assert.Single(usage.GetProperty("items").GetProperty(keyId).EnumerateArray());
        Assert.Equal([(long)SmallQuotaApp.DailyQuota, 0L], day.EnumerateArray().Select(value => value.GetInt64()));
    }
}
