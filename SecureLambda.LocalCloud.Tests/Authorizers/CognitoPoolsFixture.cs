using System.Text.Json;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Authorizers;

[CollectionDefinition(Name)]
public sealed class CognitoPoolsTestGroup : ICollectionFixture<CognitoPoolsFixture>
{
    public const string Name = "moto cognito pools";
}

/// <summary>A pool's app client and its signed-in user, with the tokens moto issued.</summary>
public sealed record PoolUser(string PoolId, string ClientId, string Email, string IdToken, string AccessToken);

/// <summary>
/// moto_server with two user pools (email as username), one app client and one user each, signed in through the real
/// AWS CLI with USER_PASSWORD_AUTH, so the tests run on tokens exactly as the engine issues them.
/// </summary>
public sealed class CognitoPoolsFixture : IAsyncLifetime
{
    private const string Password = "Corr3ct-Horse-Battery!";

    private MotoServer? _server;

    public MotoServer Server => _server ?? throw new InvalidOperationException("The fixture has not been initialized.");

    public PoolUser Pool1 { get; private set; } = null!;

    public PoolUser Pool2 { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await MotoServer.StartAsync();
        var pools = await Task.WhenAll(CreatePoolWithUserAsync("pool1", "user1@example.com"), CreatePoolWithUserAsync("pool2", "user2@example.com"));
        (Pool1, Pool2) = (pools[0], pools[1]);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task<PoolUser> CreatePoolWithUserAsync(string name, string email)
    {
        var pool = await CliAsync("cognito-idp", "create-user-pool", "--pool-name", name, "--username-attributes", "email");
        var poolId = pool.GetProperty("UserPool").GetProperty("Id").GetString()!;
        var client = await CliAsync(
            "cognito-idp", "create-user-pool-client", "--user-pool-id", poolId, "--client-name", name + "-client",
            "--explicit-auth-flows", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH");
        var clientId = client.GetProperty("UserPoolClient").GetProperty("ClientId").GetString()!;
        await Server.AwsCliAsync(
            "cognito-idp", "admin-create-user", "--user-pool-id", poolId, "--username", email,
            "--user-attributes", $"Name=email,Value={email}", "--message-action", "SUPPRESS");
        await Server.AwsCliAsync(
            "cognito-idp", "admin-set-user-password", "--user-pool-id", poolId, "--username", email, "--password", Password, "--permanent");
        var auth = await CliAsync(
            "cognito-idp", "initiate-auth", "--auth-flow", "USER_PASSWORD_AUTH", "--client-id", clientId,
            "--auth-parameters", AwsCli.AuthParameters(email, Password));
        var result = auth.GetProperty("AuthenticationResult");
        return new PoolUser(poolId, clientId, email, result.GetProperty("IdToken").GetString()!, result.GetProperty("AccessToken").GetString()!);
    }

    private async Task<JsonElement> CliAsync(params string[] args) =>
        await Server.AwsCliAsync(args) ?? throw new InvalidOperationException($"aws {string.Join(' ', args)} printed nothing.");
}
