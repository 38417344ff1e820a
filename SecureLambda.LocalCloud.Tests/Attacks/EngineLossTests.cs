using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SecureLambda.LocalCloud.Tests.Lambda;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Attacks;

/// <summary>
/// Kill the engine: moto comes back empty (what the dashboard's Restart does to it), and LocalCloud must notice, say so
/// on /health, provision the stack again and serve greetings again, without a restart of its own.
/// </summary>
public sealed class EngineLossTests
{
    private static readonly TimeSpan HealWithin = TimeSpan.FromSeconds(30);

    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task KillTheEngine_LocalCloudProvisionsAgainWithin30s_SameDevUsersNewIds_AndGreetingsWorkAgain()
    {
        await using var moto = await MotoServer.StartAsync(_cancellation);
        await using var server = await LocalCloudServer.StartAsync<Program>(moto, new Dictionary<string, string?> { ["LocalCloud:StackName"] = "healing" });
        await using var runtime = new TestRuntime(server.Address, $"ExternalLambda1/{server.RuntimeApiSecrets["ExternalLambda1"]}",
            _ => """{"statusCode":200,"body":"{\"message\":\"hello\"}"}""");
        var before = server.Outputs;
        var oldToken = await server.SignInAsync(LocalCloudServer.User1, "UserPool1ClientId");
        using (var first = await server.PostAsync("/development/lambda1", oldToken))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using (var http = new HttpClient())
        {
            using var reset = await http.PostAsync(new Uri(moto.Endpoint, "/moto-api/reset"), null, _cancellation);
            Assert.True(reset.IsSuccessStatusCode);
        }

        var after = await WaitForNewOutputsAsync(server, before.GetProperty("UserPool1Id").GetString()!);

        Assert.NotEqual(before.GetProperty("UserPool1ClientId").GetString(), after.GetProperty("UserPool1ClientId").GetString());
        var newToken = await SignInAsync(moto, after.GetProperty("UserPool1ClientId").GetString()!);
        using var healed = await server.PostAsync("/development/lambda1", newToken);
        Assert.Equal(HttpStatusCode.OK, healed.StatusCode);
        using var stale = await server.PostAsync("/development/lambda1", oldToken);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        using var health = await server.Http.GetAsync(new Uri("/health", UriKind.Relative), _cancellation);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task KillTheEngine_HealthSaysUnhealthyAndWhy_AndLocalCloudKeepsRunning()
    {
        var moto = await MotoServer.StartAsync(_cancellation);
        await using var server = await LocalCloudServer.StartAsync<Program>(moto, new Dictionary<string, string?>
        {
            ["LocalCloud:StackName"] = "unreachable",
            ["LocalCloud:EngineWatch:Interval"] = "00:00:01",
            ["LocalCloud:EngineWatch:ProbeTimeout"] = "00:00:02",
        });

        await moto.DisposeAsync();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_cancellation);
        deadline.CancelAfter(HealWithin);
        string report;
        while (true)
        {
            using var health = await server.Http.GetAsync(new Uri("/health", UriKind.Relative), deadline.Token);
            report = await health.Content.ReadAsStringAsync(deadline.Token);
            if (health.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                break;
            }
        }

        // /health says why, in the check's own words.
        Assert.StartsWith($"Unhealthy ({SecureLambda.LocalCloud.Provisioning.EngineStateHealthCheck.Name}: The engine is unreachable", report, StringComparison.Ordinal);
        using var outputs = await server.Http.GetAsync(new Uri("/_localcloud/outputs", UriKind.Relative), _cancellation);
        Assert.Equal(HttpStatusCode.OK, outputs.StatusCode);
        var monitor = (SecureLambda.LocalCloud.Provisioning.EngineStateMonitor)server.Services.GetService(typeof(SecureLambda.LocalCloud.Provisioning.EngineStateMonitor))!;
        Assert.StartsWith("The engine is unreachable", monitor.Reason, StringComparison.Ordinal);
    }

    private async Task<JsonElement> WaitForNewOutputsAsync(LocalCloudServer<Program> server, string oldPoolId)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_cancellation);
        deadline.CancelAfter(HealWithin);
        while (true)
        {
            try
            {
                var outputs = (await server.Http.GetFromJsonAsync<JsonElement>(new Uri("/_localcloud/outputs", UriKind.Relative), deadline.Token)).GetProperty("Outputs");
                if (outputs.GetProperty("UserPool1Id").GetString() != oldPoolId)
                {
                    return outputs;
                }

                // Each ask is a round trip; the engine watch re-provisions in the background.
                await Task.Yield();
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !_cancellation.IsCancellationRequested)
            {
                Assert.Fail($"LocalCloud did not provision the stack again within {HealWithin.TotalSeconds} s.");
            }
        }
    }

    /// <summary>The same dev user and password as before, against the new app client.</summary>
    private static async Task<string> SignInAsync(MotoServer moto, string clientId)
    {
        var result = await moto.AwsCliAsync("cognito-idp", "initiate-auth", "--auth-flow", "USER_PASSWORD_AUTH",
            "--client-id", clientId, "--auth-parameters", $"USERNAME={LocalCloudServer.User1},PASSWORD={LocalCloudServer.DevPassword}");
        return result!.Value.GetProperty("AuthenticationResult").GetProperty("IdToken").GetString()!;
    }
}
