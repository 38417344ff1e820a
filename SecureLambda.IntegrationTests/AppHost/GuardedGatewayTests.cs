using System.Diagnostics;
using System.Net;
using static SecureLambda.IntegrationTests.AppHost.SecureLambdaApp;

namespace SecureLambda.IntegrationTests.AppHost;

/// <summary>
/// The AppHost with the WAF rule in Block mode and a small stage throttle, set through template parameters. Loopback
/// stays allowed, and the gateway trusts X-Forwarded-For, so a test presents an outside address with that header.
/// </summary>
public sealed class GuardedApp : SecureLambdaApp
{
    public const int BurstLimit = 5;

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--LocalCloud:Parameters:WafIpRuleAction=Block",
        "--LocalCloud:Parameters:AllowedCidrs=127.0.0.0/8",
        "--LocalCloud:Parameters:AllowedIpv6Cidrs=::1/128",
        "--LocalCloud:Parameters:ThrottlingRateLimit=1",
        $"--LocalCloud:Parameters:ThrottlingBurstLimit={BurstLimit}",
        "--LocalCloud:Gateway:TrustForwardedFor=true",
    ];
}

/// <summary>
/// WAF and stage throttling through the running AppHost. Throttling keeps one bucket per method, so the throttle test
/// drains /lambda2's and the WAF tests use /lambda1, whose bucket their few requests never empty.
/// </summary>
[Collection(AppHostCollectionDefinition.Name)]
public sealed class GuardedGatewayTests(GuardedApp stack) : IClassFixture<GuardedApp>
{
    [Fact]
    public async Task RequestFromOutsideTheAllowedCidrs_Is403Forbidden_WhenWafIpRuleActionIsBlock_AndNothingReachesInternalLambda()
    {
        var name = UniqueName("Outsider");
        var since = stack.InternalLambdaLog.Count;

        var (status, body) = await stack.PostAsync("/development/lambda1", await stack.IdTokenAsync(User1), $"{{\"name\":\"{name}\"}}", forwardedFor: "203.0.113.7");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("{\"message\":\"Forbidden\"}", body);
        await stack.AssertNothingReachedInternalLambdaSinceAsync(since);
    }

    [Fact]
    public async Task RequestFromAnAllowedAddress_IsGreeted_WhenWafIpRuleActionIsBlock()
    {
        var name = UniqueName("Insider");

        var (status, body) = await stack.PostAsync("/development/lambda1", await stack.IdTokenAsync(User1), $"{{\"name\":\"{name}\"}}", forwardedFor: "127.0.0.1");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"{{\"message\":\"Hello {name}. Greetings from ExternalLambda1! Message forwarded to InternalLambda.\"}}", body);
        await stack.WaitForInternalGreetingAsync(name);
    }

    [Fact]
    public async Task RequestsPastTheBurst_Are429TooManyRequests_EvenWithABadToken_BecauseThrottlingRunsBeforeTheAuthorizer()
    {
        // A token that is no JWT on purpose: each request still takes a token from the bucket, because the stage
        // throttle runs before the Cognito authorizer; were it the other way round, all of them would be 401 and none
        // 429. (With no Authorization header at all, the web ACL refuses them before the throttle.)
        const int requests = 3 * GuardedApp.BurstLimit;
        var answers = new List<(HttpStatusCode Status, string Body)>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < requests; i++)
        {
            answers.Add(await stack.PostAsync("/development/lambda2", token: "not-a-token", "{\"name\":\"Flood\"}"));
        }

        var elapsedSeconds = clock.Elapsed.TotalSeconds;

        Assert.All(answers.Take(GuardedApp.BurstLimit), answer => Assert.Equal((HttpStatusCode.Unauthorized, "{\"message\":\"Unauthorized\"}"), answer));
        Assert.Contains((HttpStatusCode.TooManyRequests, "{\"message\":\"Too Many Requests\"}"), answers);
        Assert.All(answers, answer => Assert.Contains(answer.Status, (HttpStatusCode[])[HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests]));
        // The bucket holds 5 and refills 1 per second: no more than that may pass in the time the flood took.
        var passed = answers.Count(answer => answer.Status == HttpStatusCode.Unauthorized);
        Assert.True(passed <= GuardedApp.BurstLimit + (int)Math.Ceiling(elapsedSeconds), $"{passed} of {requests} passed the throttle in {elapsedSeconds:F1} s.");
    }
}
