using System.Net;
using SecureLambda.LocalCloud.Tests.ApiGateway;

namespace SecureLambda.LocalCloud.Tests.Waf;

/// <summary>The production template with a small stage bucket (5, refilling 1 a second on a clock that stands still).</summary>
public sealed class SmallBucketApp() : LocalCloudApp(new()
{
    ["LocalCloud:StackName"] = "small-bucket",
    ["LocalCloud:Parameters:ThrottlingRateLimit"] = "1",
    ["LocalCloud:Parameters:ThrottlingBurstLimit"] = "5",
});

/// <summary>
/// The template's web ACL in front of the real gateway: what it refuses is answered 403 Forbidden, as API Gateway
/// answers a WAF block, before the stage throttle, the authorizer or the function see it.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html
/// </summary>
public sealed class WebAclGatewayTests(SmallBucketApp app) : IClassFixture<SmallBucketApp>
{
    private const string Lambda1 = "/development/lambda1";
    private const string Lambda2 = "/development/lambda2";
    private const string Forbidden = "{\"message\":\"Forbidden\"}";

    /// <summary>
    /// Issue 8's attack: anonymous requests used up the stage's throttle budget, so real users got 429. WAF runs before
    /// API Gateway, and the RequireAuthorizationHeader rule blocks every request without an Authorization header, so
    /// the flood costs the bucket nothing and a real user still gets every one of the bucket's 5 requests.
    /// </summary>
    [Fact]
    public async Task StarveRealUsers_WithAnAnonymousFlood_IsRefusedByWaf_AndCostsTheStageNothing()
    {
        var token = await app.SignInAsync(LocalCloudApp.User2, "UserPool2ClientId");
        var before = app.Lambda2.Events;

        for (var i = 0; i < 40; i++)
        {
            using var anonymous = await app.PostAsync(Lambda2, token: null);
            await GatewayScenarioTests.AssertAnswerAsync(anonymous, HttpStatusCode.Forbidden, Forbidden);
        }

        using var empty = await app.PostAsync(Lambda2, token: "");
        await GatewayScenarioTests.AssertAnswerAsync(empty, HttpStatusCode.Forbidden, Forbidden);
        Assert.Equal(before, app.Lambda2.Events);

        // The clock stands still, so only a full bucket lets all five through, and the sixth proves it holds five.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await app.PostAsync(Lambda2, token);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(before + 5, app.Lambda2.Events);
    }

    /// <summary>BodySizeLimit: a body over WafMaxBodyBytes (1,024) never reaches the authorizer or the function.</summary>
    [Fact]
    public async Task SmuggleALargeBody_PastTheModel_IsRefusedByWaf()
    {
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");
        var before = app.Lambda1.Events;

        using var large = await app.PostAsync(Lambda1, token, $"{{\"name\":\"{new string('a', 1100)}\"}}");

        await GatewayScenarioTests.AssertAnswerAsync(large, HttpStatusCode.Forbidden, Forbidden);
        Assert.Equal(before, app.Lambda1.Events);
    }

    /// <summary>
    /// The core rule set's GenericLFI_BODY ("path traversal attempts using techniques like ../../") and
    /// NoUserAgent_HEADER, as the gateway forwards body and headers to WAF.
    /// https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
    /// </summary>
    [Fact]
    public async Task ReadLocalFiles_OrHideTheClient_IsRefusedByTheCoreRuleSet_EvenWithAValidToken()
    {
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");
        var before = app.Lambda1.Events;

        using var traversal = await app.PostAsync(Lambda1, token, "{\"name\":\"../../etc/passwd\"}");
        using var noUserAgent = new HttpRequestMessage(HttpMethod.Post, Lambda1)
        {
            Content = new StringContent("{\"name\":\"Ada\"}", System.Text.Encoding.UTF8, "application/json"),
            Headers = { { "Authorization", token } },
        };
        noUserAgent.Headers.UserAgent.Clear();
        using var client = new HttpClient { BaseAddress = app.Http.BaseAddress };
        using var anonymousClient = await client.SendAsync(noUserAgent, TestContext.Current.CancellationToken);

        await GatewayScenarioTests.AssertAnswerAsync(traversal, HttpStatusCode.Forbidden, Forbidden);
        await GatewayScenarioTests.AssertAnswerAsync(anonymousClient, HttpStatusCode.Forbidden, Forbidden);
        Assert.Equal(before, app.Lambda1.Events);
    }
}
