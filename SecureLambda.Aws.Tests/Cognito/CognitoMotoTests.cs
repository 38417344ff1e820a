using System.Text.Json.Nodes;
using SecureLambda.Aws.Cognito;
using SecureLambda.Aws.Tests.Support;
using SecureLambda.Testing;

namespace SecureLambda.Aws.Tests.Cognito;

[Collection(MotoServerCollectionDefinition.Name)]
public sealed class CognitoMotoTests(MotoServerFixture moto) : IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task AdminCreatedUser_WithPermanentPassword_SignsIn_AndGetsAnIdToken()
    {
        var ct = TestContext.Current.CancellationToken;
        var cognito = new CognitoIdentityProviderClient(_http, MotoClients.Context(moto.Server));
        var poolName = $"pool-{Guid.NewGuid():N}";
        var poolId = await cognito.CreateUserPoolAsync(new JsonObject { ["PoolName"] = poolName }, ct);
        var clientId = await cognito.CreateUserPoolClientAsync(
            new JsonObject { ["UserPoolId"] = poolId, ["ClientName"] = "app", ["ExplicitAuthFlows"] = new JsonArray("ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH") },
            ct);
        const string email = "ada@example.com";
        await cognito.AdminCreateUserAsync(new AdminCreateUserRequest(poolId, email, [new("email", email)]) { MessageAction = "SUPPRESS" }, ct);
        Assert.Equal("FORCE_CHANGE_PASSWORD", await cognito.AdminGetUserStatusAsync(poolId, email, ct));
        await cognito.AdminSetUserPasswordAsync(poolId, email, "Str0ng!Password-1", permanent: true, ct);

        var tokens = await cognito.InitiateUserPasswordAuthAsync(clientId, email, "Str0ng!Password-1", ct);

        Assert.Equal("CONFIRMED", await cognito.AdminGetUserStatusAsync(poolId, email, ct));
        Assert.Equal(poolId, await cognito.FindUserPoolIdAsync(poolName, ct));
        Assert.Equal(clientId, await cognito.FindUserPoolClientIdAsync(poolId, "app", ct));
        Assert.Equal(3, tokens.IdToken?.Split('.').Length);
        await cognito.DescribeUserPoolAsync(poolId, ct);
    }
}
