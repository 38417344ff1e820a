using System.Net;

namespace SecureLambda.LocalCloud.Tests.ApiGateway;

/// <summary>The template with the WAF IP rule switched to Block for everyone outside 127.0.0.0/8 and ::1, and a small bucket.</summary>
public sealed class GuardedApp() : LocalCloudApp(new()
{
    ["LocalCloud:StackName"] = "guarded",
    ["LocalCloud:Parameters:WafIpRuleAction"] = "Block",
    ["LocalCloud:Parameters:AllowedCidrs"] = "127.0.0.0/8",
    ["LocalCloud:Parameters:AllowedIpv6Cidrs"] = "::1/128",
    ["LocalCloud:Parameters:ThrottlingRateLimit"] = "1",
    ["LocalCloud:Parameters:ThrottlingBurstLimit"] = "5",
    ["LocalCloud:Gateway:TrustForwardedFor"] = "true",
});

/// <summary>WAF before everything, then stage throttling before the authorizer, with AWS's answers.</summary>
public sealed class GatewayGuardTests(GuardedApp app) : IClassFixture<GuardedApp>
{
    [Fact]
    public async Task Returns403Forbidden_WhenTheWafIpRuleBlocksTheSource_EvenForAnUnknownRoute()
    {
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");
        var before = app.Lambda1.Events;

        using var blocked = await app.PostAsync("/development/lambda1", token, forwardedFor: "203.0.113.10");
        using var blockedUnknown = await app.PostAsync("/development/nope", null, forwardedFor: "2001:db8::1");

        await GatewayScenarioTests.AssertAnswerAsync(blocked, HttpStatusCode.Forbidden, "{\"message\":\"Forbidden\"}");
        await GatewayScenarioTests.AssertAnswerAsync(blockedUnknown, HttpStatusCode.Forbidden, "{\"message\":\"Forbidden\"}");
        Assert.Equal(before, app.Lambda1.Events);
    }

    [Fact]
    public async Task Returns429AfterTheBurst_BeforeAnyTokenIsChecked_ThenRefillsAtTheRate()
    {
        // The bucket of POST /lambda2 holds 5; the clock stands still, so nothing refills until the test moves it.
        // The token is no JWT: with no Authorization header at all, the web ACL would refuse the request first.
        const string NotAToken = "not-a-token";
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            using var response = await app.PostAsync("/development/lambda2", NotAToken);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await GatewayScenarioTests.AssertAnswerAsync(response, HttpStatusCode.TooManyRequests, "{\"message\":\"Too Many Requests\"}");
            }
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        using var refilled = await app.PostAsync("/development/lambda2", NotAToken);
        using var again = await app.PostAsync("/development/lambda2", NotAToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refilled.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
    }
}

/// <summary>A stack of its own, so that moving its clock two hours expires tokens for no other test.</summary>
public sealed class ExpiringApp() : LocalCloudApp(new() { ["LocalCloud:StackName"] = "expiring" });

public sealed class GatewayExpiryTests(ExpiringApp app) : IClassFixture<ExpiringApp>
{
    [Fact]
    public async Task Returns401TheIncomingTokenHasExpired_ForAnExpiredIdToken()
    {
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");
        var before = app.Lambda1.Events;

        app.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(6));
        using var response = await app.PostAsync("/development/lambda1", token);

        await GatewayScenarioTests.AssertAnswerAsync(response, HttpStatusCode.Unauthorized, "{\"message\":\"The incoming token has expired\"}");
        Assert.Equal(before, app.Lambda1.Events);
    }
}
