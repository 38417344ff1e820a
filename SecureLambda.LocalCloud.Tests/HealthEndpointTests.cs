using Microsoft.AspNetCore.Mvc.Testing;

namespace SecureLambda.LocalCloud.Tests;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Health_AnswersHealthy()
    {
        await using var factory = new WebApplicationFactory<Program>();
        using var client = factory.CreateClient();

        var response = await client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
