using Amazon.SQS;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SecureLambda.LocalCloud.Engine;
using SecureLambda.LocalCloud.Lambda;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.Tests.Hosting;

public sealed class EngineClientsTests
{
    [Fact]
    public async Task ProvisioningAndAsyncDelivery_ShareOneSqsClient_PointedAtTheEngine()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9",
        });
        builder.Services.AddStackProvisioning(builder.Configuration);
        builder.Services.AddLocalLambda();
        await using var app = builder.Build();

        var engine = app.Services.GetRequiredService<EngineClients>();
        var sqs = app.Services.GetRequiredService<IAmazonSQS>();

        Assert.Same(sqs, engine.Sqs);
        Assert.Single(app.Services.GetServices<IAmazonSQS>());
        Assert.Equal("http://127.0.0.1:9/", sqs.Config.ServiceURL);
        Assert.Equal("eu-west-1", sqs.Config.AuthenticationRegion);
        Assert.Equal(2, sqs.Config.MaxErrorRetry);
    }
}
