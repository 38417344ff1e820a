using System.Text.Json;
using Amazon.SQS;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecureLambda.LocalCloud.ApiGateway;
using SecureLambda.LocalCloud.ApiGateway.Throttling;
using SecureLambda.LocalCloud.Authorizers;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Lambda;
using SecureLambda.LocalCloud.Tests.Lambda;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.DataPlane;

/// <summary>
/// Each registration stands on its own once a model is published: the gateway serves a route with no provisioning, no
/// engine and no data-plane start-up registered (before, <c>AddApiGateway</c> pulled in the start-up, which waited for a
/// stack no one provisioned).
/// </summary>
public sealed class StandaloneRegistrationTests
{
    private const string FunctionName = "standalone-Hello";

    [Fact]
    public async Task GatewayWithAHandBuiltModel_ServesItsRoute_WithoutProvisioning()
    {
        var function = new LambdaFunctionDefinition("Hello", FunctionName, $"arn:aws:lambda:us-east-1:123456789012:function:{FunctionName}", TimeSpan.FromSeconds(10));
        var stage = new GatewayStage(
            "123456789012",
            "api123",
            "dev",
            [new GatewayResource("r1", "/hello", new Dictionary<string, GatewayMethod> { ["POST"] = new("POST", "r1", "/hello", null, null, function.Arn) })],
            new StageThrottle("dev", [], TimeProvider.System),
            null,
            new Dictionary<string, GatewayResponseOverride>());

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretAccessKey,
            ["AWS_REGION"] = MotoServer.Region,
        });
        builder.Services.AddSingleton<IAmazonSQS>(_ => new AmazonSQSClient(new AmazonSQSConfig { ServiceURL = "http://127.0.0.1:9" }));
        builder.Services.AddLocalLambda();
        builder.Services.AddCognitoAuthorizers();
        builder.Services.AddApiGateway();
        await using var app = builder.Build();
        app.MapLambdaRuntimeApi();
        app.MapApiGateway();
        app.Services.GetRequiredService<DataPlaneState>().Publish(new DataPlaneModel([stage], [function], []));
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        var prefix = $"{FunctionName}/{app.Services.GetRequiredService<RuntimeApiKeys>().SecretFor(function)}";
        await using var runtime = new TestRuntime(address, prefix, proxyEvent => JsonSerializer.Serialize(new
        {
            statusCode = 200,
            body = proxyEvent.GetProperty("resource").GetString(),
        }));
        using var http = new HttpClient { BaseAddress = address };

        using var served = await http.PostAsync(new Uri("/dev/hello", UriKind.Relative), new StringContent("{}"), TestContext.Current.CancellationToken);
        using var unknown = await http.PostAsync(new Uri("/dev/nowhere", UriKind.Relative), new StringContent("{}"), TestContext.Current.CancellationToken);

        Assert.Equal(200, (int)served.StatusCode);
        Assert.Equal("/hello", await served.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(403, (int)unknown.StatusCode);
        Assert.Equal(GatewayResponse.MissingAuthenticationToken.Body, await unknown.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await app.StopAsync(TestContext.Current.CancellationToken);
    }
}
