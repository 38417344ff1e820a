using SecureLambda.LocalCloud.Tests.ApiGateway;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Cognito;

/// <summary>
/// The user pools' settings that moto ignores, enforced by the AWS endpoint as Cognito enforces them, with the AWS CLI
/// (unsigned, as it sends Cognito's sign-in calls) against the production template's pools.
/// </summary>
public sealed class CognitoStrictnessTests(LocalCloudApp app) : IClassFixture<LocalCloudApp>
{
    private const string Stranger = "mallory@example.com";
    private const string StrangersPassword = "Mallory-Was-Here-42!";

    private string Endpoint => app.AwsEndpoint.ToString().TrimEnd('/');

    private string Output(string name) => app.Outputs.GetProperty(name).GetString()!;

    private async Task<string> RefusalAsync(params string[] args) =>
        (await Assert.ThrowsAsync<InvalidOperationException>(() => AwsCli.RunAsync(["--endpoint-url", Endpoint, "cognito-idp", .. args]))).Message;

    /// <summary>
    /// <c>AllowAdminCreateUserOnly</c>: "SignUp is not permitted for this user pool", and no account is made.
    /// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignUp.html
    /// </summary>
    [Theory]
    [InlineData("UserPool1ClientId", "UserPool1Id")]
    [InlineData("UserPool2ClientId", "UserPool2Id")]
    public async Task SignUpAsAStranger_IntoEitherPool_IsRefused_AndNoAccountIsMade(string client, string pool)
    {
        var error = await RefusalAsync("sign-up", "--client-id", Output(client), "--username", Stranger, "--password", StrangersPassword);
        var users = await AwsCli.RunAsync("--endpoint-url", Endpoint, "cognito-idp", "list-users", "--user-pool-id", Output(pool));

        Assert.Contains("(NotAuthorizedException) when calling the SignUp operation: SignUp is not permitted for this user pool", error, StringComparison.Ordinal);
        Assert.DoesNotContain(users.GetProperty("Users").EnumerateArray(), user => user.GetRawText().Contains(Stranger, StringComparison.Ordinal));
    }

    /// <summary>
    /// <c>PreventUserExistenceErrors: ENABLED</c>: an unknown user and a wrong password answer alike, so nobody can
    /// enumerate accounts. https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
    /// </summary>
    [Fact]
    public async Task EnumerateAccounts_BySigningIn_CannotTellAnUnknownUserFromAWrongPassword()
    {
        string[] SignIn(string user) =>
            ["initiate-auth", "--auth-flow", "USER_PASSWORD_AUTH", "--client-id", Output("UserPool1ClientId"), "--auth-parameters", AwsCli.AuthParameters(user, StrangersPassword)];

        var unknown = await RefusalAsync(SignIn(Stranger));
        var wrongPassword = await RefusalAsync(SignIn(LocalCloudApp.User1));

        const string Expected = "(NotAuthorizedException) when calling the InitiateAuth operation: Incorrect username or password.";
        Assert.Contains(Expected, unknown, StringComparison.Ordinal);
        Assert.Contains(Expected, wrongPassword, StringComparison.Ordinal);
    }

    /// <summary>
    /// moto takes any code it did not issue as valid, and hands out the one it did in an <c>x-moto-…</c> header: with
    /// that, anyone who knows a user's name could set their password. Cognito checks the code it mailed.
    /// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmForgotPassword.html
    /// </summary>
    [Theory]
    [InlineData("123456")]
    [InlineData("moto-confirmation-code:123456")]
    public async Task TakeOverADevUsersAccount_WithAResetCodeTheAttackerMadeUp_IsRefused_AndTheirPasswordStillWorks(string code)
    {
        var error = await RefusalAsync("confirm-forgot-password", "--client-id", Output("UserPool1ClientId"), "--username", LocalCloudApp.User1,
            "--confirmation-code", code, "--password", StrangersPassword);

        Assert.Contains("(CodeMismatchException) when calling the ConfirmForgotPassword operation: Invalid verification code provided, please try again.", error, StringComparison.Ordinal);
        Assert.Equal(3, (await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId")).Split('.').Length);
    }

    [Fact]
    public async Task LearnAResetCode_FromTheForgotPasswordAnswer_IsNotPossible_TheEnginesHeaderIsStripped()
    {
        using var http = new HttpClient { BaseAddress = app.AwsEndpoint };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StringContent($$"""{"ClientId":"{{Output("UserPool1ClientId")}}","Username":"{{LocalCloudApp.User1}}"}""", System.Text.Encoding.UTF8, "application/x-amz-json-1.1"),
            Headers = { { "X-Amz-Target", "AWSCognitoIdentityProviderService.ForgotPassword" } },
        };

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(response.Headers, header => header.Key.StartsWith("x-moto", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("moto-confirmation-code", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
