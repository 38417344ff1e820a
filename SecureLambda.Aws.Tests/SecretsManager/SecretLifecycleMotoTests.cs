using SecureLambda.Aws.Core;
using SecureLambda.Aws.SecretsManager;
using SecureLambda.Aws.Tests.Support;
using SecureLambda.Testing;

namespace SecureLambda.Aws.Tests.SecretsManager;

/// <summary>The secret calls LocalCloud's provisioning makes, against moto.</summary>
[Collection(MotoServerCollectionDefinition.Name)]
public sealed class SecretLifecycleMotoTests(MotoServerFixture moto) : IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task CreateDescribePutGet_RoundTrip()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = new SecretsManagerClient(_http, MotoClients.Context(moto.Server));
        var name = $"secret-{Guid.NewGuid():N}";

        var arn = await client.CreateSecretAsync(new CreateSecretRequest(name) { Description = "d", SecretString = "v1" }, ct);
        Assert.Equal(arn, await client.DescribeSecretArnAsync(name, ct));
        await client.PutSecretValueAsync(arn, "v2", ct);

        var value = await client.GetSecretValueAsync(name, ct);
        Assert.Equal("v2", value.SecretString);
        Assert.Equal(name, value.Name);
        Assert.DoesNotContain("v2", value.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeSecret_ThrowsResourceNotFound_ForAMissingSecret()
    {
        var client = new SecretsManagerClient(_http, MotoClients.Context(moto.Server));

        var error = await Assert.ThrowsAsync<AwsServiceException>(
            () => client.DescribeSecretArnAsync($"missing-{Guid.NewGuid():N}", TestContext.Current.CancellationToken));

        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
    }
}
