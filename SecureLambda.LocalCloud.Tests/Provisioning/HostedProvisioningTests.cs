using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SecureLambda.Aws.Core;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.Tests.Provisioning;

[Collection(ProvisioningMotoCollectionDefinition.Name)]
public sealed class HostedProvisioningTests(ProvisioningFixture fixture) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly string _contentRoot = Directory.CreateTempSubdirectory("localcloud-").FullName;

    public void Dispose() => Directory.Delete(_contentRoot, recursive: true);

    [Fact]
    public async Task HostedService_ProvisionsStack_ThenHealthIsHealthy_AndOutputsEndpointAndFileHoldNoPassword()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(ProvisioningFixture.Configuration(_contentRoot));
        builder.Configuration["LocalCloud:ApiBaseUrl"] = "http://localhost:5080";
        builder.Services.AddSingleton(AwsClientContext.FromEnvironment(fixture.Moto.ClientEnvironment.GetValueOrDefault));
        builder.Services.AddStackProvisioning(builder.Configuration);
        await using var app = builder.Build();
        app.MapHealthChecks("/health");
        app.MapLocalCloudOutputs();
        await app.StartAsync(TestContext.Current.CancellationToken);
        using var client = app.GetTestClient();

        var stack = await app.Services.GetRequiredService<IProvisionedStackAccessor>().Stack.WaitAsync(Deadline, TestContext.Current.CancellationToken);
        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await client.GetStringAsync(new Uri(OutputsEndpoints.Path, UriKind.Relative), TestContext.Current.CancellationToken);
        var file = await File.ReadAllTextAsync(Path.Combine(_contentRoot, "localcloud-outputs.json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(fixture.Stack.Outputs["UserPool1Id"], stack.Outputs["UserPool1Id"]);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.Equal("secure-lambda", root.GetProperty("StackName").GetString());
        Assert.Equal(stack.Outputs["UserPool2ClientId"], root.GetProperty("Outputs").GetProperty("UserPool2ClientId").GetString());
        Assert.Equal("http://localhost:5080/development", root.GetProperty("Outputs").GetProperty("ApiUrl").GetString());
        var users = root.GetProperty("DevUsers").EnumerateArray().ToList();
        Assert.Equal(["user1@example.com", "user2@example.com"], users.Select(user => user.GetProperty("Email").GetString()));
        Assert.Equal(stack.DevUsers[0].ClientId, users[0].GetProperty("ClientId").GetString());
        Assert.Equal(
            ["ClientId", "Email", "UserPool", "UserPoolId"],
            users[0].EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal));
        foreach (var text in new[] { body, file })
        {
            Assert.DoesNotContain(ProvisioningFixture.User1Password, text, StringComparison.Ordinal);
            Assert.DoesNotContain("Password", text, StringComparison.OrdinalIgnoreCase);
        }

        using var fileDocument = JsonDocument.Parse(file);
        Assert.Equal(body.ReplaceLineEndings().Trim(), file.ReplaceLineEndings().Trim());
        await app.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task HealthCheck_IsUnhealthy_UntilTheStackIsProvisioned()
    {
        var accessor = new ProvisionedStackAccessor();
        var check = new StackProvisioningHealthCheck(accessor);

        var pending = await check.CheckHealthAsync(new(), TestContext.Current.CancellationToken);
        accessor.SetStack(fixture.Stack);
        var done = await check.CheckHealthAsync(new(), TestContext.Current.CancellationToken);

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, pending.Status);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, done.Status);
    }
}
