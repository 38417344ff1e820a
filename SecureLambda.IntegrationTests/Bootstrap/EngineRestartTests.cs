using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SecureLambda.Testing;

namespace SecureLambda.IntegrationTests.Bootstrap;

/// <summary>
/// Kill the engine under the real function binaries: moto comes back empty (what the dashboard's Restart does to it),
/// and without restarting LocalCloud or any function, greetings work again end to end, through SNS to InternalLambda.
/// </summary>
public sealed class EngineRestartTests(LocalCloudWithFunctionsOnMotoProcess stack) : IClassFixture<LocalCloudWithFunctionsOnMotoProcess>
{
    private static readonly TimeSpan HealWithin = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task KillTheEngine_TheStackHealsWithin30s_AndTheNextGreetingReachesInternalLambda()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var oldPool = stack.Server.Outputs.GetProperty("UserPool1Id").GetString();
        using (var http = new HttpClient())
        {
            using var reset = await http.PostAsync(new Uri(stack.Moto.Endpoint, "/moto-api/reset"), null, cancellation);
            Assert.True(reset.IsSuccessStatusCode);
        }

        JsonElement outputs;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
        {
            deadline.CancelAfter(HealWithin);
            do
            {
                // Each ask is a round trip to LocalCloud; the engine watch provisions again in the background.
                outputs = (await stack.Server.Http.GetFromJsonAsync<JsonElement>(new Uri("/_localcloud/outputs", UriKind.Relative), deadline.Token)).GetProperty("Outputs");
            }
            while (outputs.GetProperty("UserPool1Id").GetString() == oldPool);
        }

        var signIn = await stack.Moto.AwsCliAsync("cognito-idp", "initiate-auth", "--auth-flow", "USER_PASSWORD_AUTH",
            "--client-id", outputs.GetProperty("UserPool1ClientId").GetString()!, "--auth-parameters", $"USERNAME={LocalCloudServer.User1},PASSWORD={LocalCloudServer.DevPassword}");
        var token = signIn!.Value.GetProperty("AuthenticationResult").GetProperty("IdToken").GetString()!;
        var name = $"Healed{Guid.NewGuid():N}"[..20];

        using var response = await stack.Server.PostAsync("/development/lambda1", token, $"{{\"name\":\"{name}\"}}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await stack.InternalLambda.WaitForLineAsync(line => line.Contains($"Hello {name}. Greetings from InternalLambda!", StringComparison.Ordinal), Timeout, cancellation);
    }
}
