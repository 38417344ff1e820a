using System.Diagnostics;
using System.Globalization;
using System.Net;
using SecureLambda.Testing;
using static SecureLambda.IntegrationTests.AppHost.SecureLambdaApp;

namespace SecureLambda.IntegrationTests.AppHost;

/// <summary>
/// The AppHost with each client app's usage plan made small through the template's parameters: a burst of 1 refilled
/// at 0.1 requests a second (one every 10 s, long beside one warm request, so the bucket is reliably empty right after
/// it), and a daily quota of 2.
/// </summary>
public sealed class SmallUsagePlanApp : SecureLambdaApp
{
    public const int DailyQuota = 2;

    protected override IEnumerable<string> ExtraArguments =>
    [
        $"--LocalCloud:Parameters:ClientDailyQuota={DailyQuota}",
        "--LocalCloud:Parameters:ClientThrottlingRateLimit=0.1",
        "--LocalCloud:Parameters:ClientThrottlingBurstLimit=1",
    ];
}

/// <summary>
/// A client app's usage plan through the running AppHost with the real functions: past its burst it gets THROTTLED
/// (429 "Too Many Requests"), past its daily quota QUOTA_EXCEEDED (429 "Limit Exceeded"), while the other app, with a
/// plan of its own, is greeted; nothing refused is published, and <c>aws apigateway get-usage</c> counts exactly what passed.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
/// </summary>
[Collection(AppHostCollectionDefinition.Name)]
public sealed class UsagePlanTests(SmallUsagePlanApp stack) : IClassFixture<SmallUsagePlanApp>
{
    private const string Lambda1 = "/development/lambda1";

    [Fact]
    public async Task AClientPastItsBurstThenItsQuota_Is429TooManyRequestsThenLimitExceeded_WhileTheOtherClientIsGreeted_AndGetUsageCountsIt()
    {
        var token = await stack.IdTokenAsync(User1);
        var since = stack.InternalLambdaLog.Count;

        // Client app 2's first greeting takes the functions' cold start, so that client app 1's next one is quick.
        var warm = UniqueName("Grace");
        Assert.Equal(HttpStatusCode.OK, (await GreetAsync(token, warm, ClientApp2ApiKey)).Status);

        // Client app 1 spends its burst of 1; its next request, at once, finds the bucket empty.
        var first = UniqueName("Ada");
        Assert.Equal(HttpStatusCode.OK, (await GreetAsync(token, first, ClientApp1ApiKey)).Status);
        var burst = UniqueName("Burst");
        Assert.Equal((HttpStatusCode.TooManyRequests, "{\"message\":\"Too Many Requests\"}"), await GreetAsync(token, burst, ClientApp1ApiKey));

        // Client app 2's bucket, refilled before client app 1's (its token went first), greets it again: its own plan.
        var other = UniqueName("Grace");
        Assert.Equal(HttpStatusCode.OK, (await GreetOnceRefilledAsync(token, other, ClientApp2ApiKey)).Status);

        // Refilled at its rate, client app 1's next greeting spends its quota of 2; then the quota answers, bucket or not.
        var second = UniqueName("Ada");
        Assert.Equal(HttpStatusCode.OK, (await GreetOnceRefilledAsync(token, second, ClientApp1ApiKey)).Status);
        var over = UniqueName("Over");
        Assert.Equal((HttpStatusCode.TooManyRequests, "{\"message\":\"Limit Exceeded\"}"), await GreetAsync(token, over, ClientApp1ApiKey));

        // InternalLambda logs the four greetings that passed and neither refused one: the topic delivers in order through
        // one queue, so a refused greeting published by mistake would be logged before the last one.
        foreach (var name in (string[])[warm, first, other, second])
        {
            await stack.WaitForInternalGreetingAsync(name);
        }

        var logged = stack.InternalLambdaLog.LinesFrom(since).Where(line => line.Contains("Greetings from InternalLambda!", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(logged, line => line.Contains(InternalGreeting(burst), StringComparison.Ordinal) || line.Contains(InternalGreeting(over), StringComparison.Ordinal));

        // aws apigateway get-usage: each key used 2 of its 2 today; the refused requests were not counted.
        foreach (var keyOutput in (string[])["ClientApp1ApiKeyId", "ClientApp2ApiKeyId"])
        {
            Assert.Equal([(long)SmallUsagePlanApp.DailyQuota, 0L], await UsedAndRemainingTodayAsync(keyOutput));
        }
    }

    private Task<(HttpStatusCode Status, string Body)> GreetAsync(string token, string name, string apiKeyOf) =>
        stack.PostAsync(Lambda1, token, $"{{\"name\":\"{name}\"}}", apiKeyOf: apiKeyOf);

    /// <summary>The greeting, sent again each second while its key's bucket is still empty (a throttled request is not counted).</summary>
    private async Task<(HttpStatusCode Status, string Body)> GreetOnceRefilledAsync(string token, string name, string apiKeyOf)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var answer = await GreetAsync(token, name, apiKeyOf);
            if (answer != (HttpStatusCode.TooManyRequests, "{\"message\":\"Too Many Requests\"}") || deadline.Elapsed > StepTimeout)
            {
                return answer;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        }
    }

    private async Task<IEnumerable<long>> UsedAndRemainingTodayAsync(string keyOutput)
    {
        var endpoint = stack.AwsEndpoint.ToString().TrimEnd('/');
        var keyId = stack.Outputs.GetProperty(keyOutput).GetString()!;
        var plan = Assert.Single((await AwsCli.RunAsync("--endpoint-url", endpoint, "apigateway", "get-usage-plans", "--key-id", keyId)).GetProperty("items").EnumerateArray());
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var usage = await AwsCli.RunAsync("--endpoint-url", endpoint, "apigateway", "get-usage",
            "--usage-plan-id", plan.GetProperty("id").GetString()!, "--start-date", today, "--end-date", today);
        // The CLI names the wire's "values" member "items": {keyId: [[used, remaining]]}.
        return [.. Assert.Single(usage.GetProperty("items").GetProperty(keyId).EnumerateArray()).EnumerateArray().Select(value => value.GetInt64())];
    }
}
