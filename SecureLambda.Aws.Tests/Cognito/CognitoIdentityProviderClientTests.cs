using System.Net;
using System.Text.Json;
using SecureLambda.Aws.Cognito;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Tests.Support;

namespace SecureLambda.Aws.Tests.Cognito;

/// <summary>What the Cognito client puts on the wire and how it reads replies, without a server.</summary>
public sealed class CognitoIdentityProviderClientTests
{
    private const string Tokens = """{"AuthenticationResult":{"IdToken":"id.jwt","AccessToken":"access.jwt","RefreshToken":"r","ExpiresIn":3600,"TokenType":"Bearer"},"ChallengeParameters":{}}""";

    private static CognitoIdentityProviderClient Client(ScriptedHandler handler) => new(new HttpClient(handler), TestContexts.Offline());

    [Fact]
    public async Task InitiateAuth_IsSentUnsigned_WithUserPasswordAuth_AndReturnsTheTokens()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Reply(HttpStatusCode.OK, Tokens));

        var tokens = await Client(handler).InitiateUserPasswordAuthAsync("client-1", "user1@example.com", "pa\"ss", TestContext.Current.CancellationToken);

        Assert.Equal("id.jwt", tokens.IdToken);
        Assert.Equal(3600, tokens.ExpiresIn);
        var sent = Assert.Single(handler.Requests);
        // InitiateAuth is unauthenticated: no SigV4, as botocore sends it (its model says authtype none).
        Assert.Null(sent.Authorization);
        Assert.Null(sent.AmzDate);
        Assert.Equal("AWSCognitoIdentityProviderService.InitiateAuth", sent.Target);
        Assert.Equal("application/x-amz-json-1.1", sent.ContentType);
        using var body = JsonDocument.Parse(sent.Body);
        Assert.Equal("USER_PASSWORD_AUTH", body.RootElement.GetProperty("AuthFlow").GetString());
        Assert.Equal("client-1", body.RootElement.GetProperty("ClientId").GetString());
        Assert.Equal("pa\"ss", body.RootElement.GetProperty("AuthParameters").GetProperty("PASSWORD").GetString());
        Assert.Equal("user1@example.com", body.RootElement.GetProperty("AuthParameters").GetProperty("USERNAME").GetString());
    }

    [Fact]
    public void Tokens_StayOutOfTheRecordsText() =>
        Assert.DoesNotContain("id.jwt", new CognitoAuthenticationResult("id.jwt", "access.jwt", "r", 3600, "Bearer").ToString(), StringComparison.Ordinal);

    [Fact]
    public async Task InitiateAuth_ThrowsTheChallenge_WhenCognitoAnswersWithoutTokens()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Reply(HttpStatusCode.OK, """{"ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"s"}"""));

        var error = await Assert.ThrowsAsync<CognitoChallengeException>(
            () => Client(handler).InitiateUserPasswordAuthAsync("c", "u", "p", TestContext.Current.CancellationToken));

        Assert.Equal("NEW_PASSWORD_REQUIRED", error.ChallengeName);
    }

    [Fact]
    public async Task InitiateAuth_WrongPassword_SurfacesCognitosError_WithoutThePassword()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Reply(
            HttpStatusCode.BadRequest, """{"__type":"NotAuthorizedException","message":"Incorrect username or password."}"""));

        var error = await Assert.ThrowsAsync<AwsServiceException>(
            () => Client(handler).InitiateUserPasswordAuthAsync("c", "u", "secret-password", TestContext.Current.CancellationToken));

        Assert.Equal("NotAuthorizedException", error.ErrorCode);
        Assert.DoesNotContain("secret-password", error.ToString(), StringComparison.Ordinal);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task AdminCreateUser_IsSigned_AndLeavesUnsetMembersOut()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Reply(HttpStatusCode.OK, """{"User":{"Username":"u"}}"""));

        await Client(handler).AdminCreateUserAsync(
            new AdminCreateUserRequest("us-east-1_pool", "u@example.com", [new("email", "u@example.com")]) { DesiredDeliveryMediums = ["EMAIL"] },
            TestContext.Current.CancellationToken);

        var sent = Assert.Single(handler.Requests);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", sent.Authorization, StringComparison.Ordinal);
        Assert.Equal(
            """{"UserPoolId":"us-east-1_pool","Username":"u@example.com","UserAttributes":[{"Name":"email","Value":"u@example.com"}],"DesiredDeliveryMediums":["EMAIL"]}""",
            sent.Body);
    }

    [Fact]
    public async Task AdminCreateUser_IsSentOnce_WhenCognitoAnswers500_SoNoSecondInvitationGoesOut()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Reply(
            HttpStatusCode.InternalServerError, """{"__type":"InternalErrorException","message":"Oops"}"""));

        await Assert.ThrowsAsync<AwsServiceException>(() => Client(handler).AdminCreateUserAsync(
            new AdminCreateUserRequest("p", "u", []), TestContext.Current.CancellationToken));

        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task FindUserPoolId_ReadsEveryPage_UntilItFindsTheName()
    {
        var handler = new ScriptedHandler(
            ScriptedHandler.Reply(HttpStatusCode.OK, """{"UserPools":[{"Id":"p1","Name":"other"}],"NextToken":"t2"}"""),
            ScriptedHandler.Reply(HttpStatusCode.OK, """{"UserPools":[{"Id":"p2","Name":"wanted"}]}"""));

        var id = await Client(handler).FindUserPoolIdAsync("wanted", TestContext.Current.CancellationToken);

        Assert.Equal("p2", id);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal("""{"MaxResults":60}""", handler.Requests[0].Body);
        Assert.Equal("""{"MaxResults":60,"NextToken":"t2"}""", handler.Requests[1].Body);
    }

    [Fact]
    public async Task FindUserPoolClientId_ReturnsNull_WhenNoPageHasTheName()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Reply(HttpStatusCode.OK, """{"UserPoolClients":[{"ClientId":"c1","ClientName":"other"}]}"""));

        Assert.Null(await Client(handler).FindUserPoolClientIdAsync("p", "wanted", TestContext.Current.CancellationToken));
        Assert.Equal("""{"UserPoolId":"p","MaxResults":60}""", Assert.Single(handler.Requests).Body);
    }
}
