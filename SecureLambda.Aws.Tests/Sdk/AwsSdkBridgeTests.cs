using Amazon.Runtime;
using Amazon.SQS;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Sdk;
using SecureLambda.Aws.Tests.Support;

namespace SecureLambda.Aws.Tests.Sdk;

public sealed class AwsSdkBridgeTests
{
    [Fact]
    public async Task SdkCredentials_AskTheProviderOnEveryRequest_SoRotatedKeysArePickedUp()
    {
        var provider = new RotatingProvider();
        var sdk = provider.ToSdkCredentials();

        var first = await sdk.GetCredentialsAsync();
        var second = await sdk.GetCredentialsAsync();

        Assert.Equal(("AKID1", "secret1", "token1"), (first.AccessKey, first.SecretKey, first.Token));
        Assert.Equal("AKID2", second.AccessKey);
    }

    [Fact]
    public async Task Provider_OverSdkCredentials_CarriesTheSessionToken_AndDropsAnEmptyOne()
    {
        var session = await new SessionAWSCredentials("AKID", "secret", "token").ToCredentialsProvider()
            .GetCredentialsAsync(TestContext.Current.CancellationToken);
        var basic = await new BasicAWSCredentials("AKID", "secret").ToCredentialsProvider()
            .GetCredentialsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new AwsCredentials("AKID", "secret", "token"), session);
        Assert.Equal(new AwsCredentials("AKID", "secret"), basic);
    }

    [Fact]
    public async Task FixedCredentials_BecomeSessionCredentials_OnlyWithAToken()
    {
        Assert.IsType<BasicAWSCredentials>(new AwsCredentials("AKID", "secret").ToSdkCredentials());
        var session = await new AwsCredentials("AKID", "secret", "token").ToSdkCredentials().GetCredentialsAsync();
        Assert.Equal("token", session.Token);
    }

    [Fact]
    public void ClientConfig_UsesTheResolvedEndpoint_AndStandardModeWithThreeAttempts()
    {
        var context = TestContexts.Offline(new Dictionary<string, string> { ["AWS_ENDPOINT_URL_SQS"] = "http://127.0.0.1:4566" });
        var config = new AmazonSQSConfig();

        var endpoint = AwsSdkClientConfig.Apply(config, context, AwsServiceDescriptor.Sqs);

        Assert.Equal(new Uri("http://127.0.0.1:4566/"), endpoint);
        Assert.Equal("http://127.0.0.1:4566/", config.ServiceURL);
        Assert.Equal("us-east-1", config.AuthenticationRegion);
        Assert.Equal(RequestRetryMode.Standard, config.RetryMode);
        Assert.Equal(2, config.MaxErrorRetry);
    }

    [Fact]
    public void ClientConfig_UsesTheRegion_WhenNoEndpointIsConfigured()
    {
        var config = new AmazonSQSConfig();

        var endpoint = AwsSdkClientConfig.Apply(config, TestContexts.Offline(), AwsServiceDescriptor.Sqs);

        Assert.Null(endpoint);
        Assert.Null(config.ServiceURL);
        Assert.Equal("us-east-1", config.RegionEndpoint?.SystemName);
    }

    private sealed class RotatingProvider : IAwsCredentialsProvider
    {
        private int _calls;

        public ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            return ValueTask.FromResult(new AwsCredentials($"AKID{call}", $"secret{call}", $"token{call}"));
        }
    }
}
