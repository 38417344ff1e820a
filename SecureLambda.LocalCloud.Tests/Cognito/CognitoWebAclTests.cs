using SecureLambda.LocalCloud.Tests.ApiGateway;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Cognito;

/// <summary>The template's pools with the lowest rate its <c>CognitoWafRateLimit</c> allows: 10 requests per 5 minutes and address.</summary>
public sealed class LowCognitoRateLocalCloudApp() : LocalCloudApp(new() { ["LocalCloud:Parameters:CognitoWafRateLimit"] = "10" });

/// <summary>
/// The web ACL associated with the user pools guards their sign-in calls on the AWS endpoint, as AWS WAF guards a
/// pool's public API (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-waf.html): a credential
/// stuffing run from one address is cut off by the template's per-IP rate rule.
/// </summary>
public sealed class CognitoWebAclTests(LowCognitoRateLocalCloudApp app) : IClassFixture<LowCognitoRateLocalCloudApp>
{
    [Fact]
    public async Task StuffCredentials_FromOneAddress_IsBlockedByThePoolsWebAcl_EvenTheRightPasswordAfterwards()
    {
        var client = app.Outputs.GetProperty("UserPool1ClientId").GetString()!;
        string[] SignIn(string password) =>
            ["--endpoint-url", app.AwsEndpoint.ToString().TrimEnd('/'), "cognito-idp", "initiate-auth", "--auth-flow", "USER_PASSWORD_AUTH",
                "--client-id", client, "--auth-parameters", AwsCli.AuthParameters(LocalCloudApp.User1, password)];

        using var http = new HttpClient { BaseAddress = app.AwsEndpoint };
        var guesses = new List<string>();
        for (var guess = 0; guess < 10; guess++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/")
            {
                Content = new StringContent(
                    $$$"""{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"{{{client}}}","AuthParameters":{"USERNAME":"{{{LocalCloudApp.User1}}}","PASSWORD":"Guess-{{{guess}}}-Passw0rd!"}}""",
                    System.Text.Encoding.UTF8, "application/x-amz-json-1.1"),
                Headers = { { "X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth" } },
            };
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            guesses.Add(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        var eleventh = await Assert.ThrowsAsync<InvalidOperationException>(() => AwsCli.RunAsync(SignIn("Guess-10-Passw0rd!")));
        var rightPassword = await Assert.ThrowsAsync<InvalidOperationException>(() => AwsCli.RunAsync(SignIn(LocalCloudServer.DevPassword)));

        Assert.All(guesses, answer => Assert.Contains("NotAuthorizedException", answer, StringComparison.Ordinal));
        Assert.Contains("(ForbiddenException) when calling the InitiateAuth operation: Request not allowed due to WAF block.", eleventh.Message, StringComparison.Ordinal);
        Assert.Contains("(ForbiddenException)", rightPassword.Message, StringComparison.Ordinal);
    }
}
