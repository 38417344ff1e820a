using SecureLambda.Aws.Core;

namespace SecureLambda.Aws.Tests.Core;

public sealed class EnvironmentConfigurationTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables)
    {
        var environment = variables.ToDictionary(variable => variable.Name, variable => variable.Value);
        return environment.GetValueOrDefault;
    }

    [Fact]
    public void Region_PrefersAwsRegion_OverAwsDefaultRegion() =>
        Assert.Equal("eu-west-1", AwsRegion.FromEnvironment(Environment(("AWS_REGION", "eu-west-1"), ("AWS_DEFAULT_REGION", "us-east-1"))));

    [Fact]
    public void Region_FallsBackToAwsDefaultRegion_WhenAwsRegionIsUnset() =>
        Assert.Equal("us-east-2", AwsRegion.FromEnvironment(Environment(("AWS_DEFAULT_REGION", "us-east-2"))));

    [Fact]
    public void Region_ThrowsNamingBothVariables_WhenNeitherIsSet()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AwsRegion.FromEnvironment(Environment(("AWS_REGION", ""))));

        Assert.Contains("AWS_REGION", error.Message, StringComparison.Ordinal);
        Assert.Contains("AWS_DEFAULT_REGION", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_AreReadWithSessionToken_WhenAllThreeVariablesAreSet()
    {
        var provider = new EnvironmentCredentialsProvider(Environment(
            ("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_SESSION_TOKEN", "token")));

        Assert.Equal(new AwsCredentials("ASIAEXAMPLE", "secret", "token"), provider.GetCredentials());
    }

    [Fact]
    public void Credentials_HaveNoSessionToken_WhenItIsUnsetOrEmpty()
    {
        var provider = new EnvironmentCredentialsProvider(Environment(
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_SESSION_TOKEN", "")));

        Assert.Null(provider.GetCredentials().SessionToken);
    }

    [Theory]
    [InlineData(null, "secret", "AWS_ACCESS_KEY_ID not set")]
    [InlineData("AKIDEXAMPLE", null, "AWS_SECRET_ACCESS_KEY not set")]
    [InlineData(null, null, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY not set")]
    public async Task Credentials_ThrowNamingTheMissingVariables(string? accessKeyId, string? secretAccessKey, string expected)
    {
        var variables = new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = accessKeyId, ["AWS_SECRET_ACCESS_KEY"] = secretAccessKey };
        var provider = new EnvironmentCredentialsProvider(name => variables.GetValueOrDefault(name));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await provider.GetCredentialsAsync(TestContext.Current.CancellationToken));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_ToStringOmitsTheSecretAndToken()
    {
        var text = new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI-secret", "session-token").ToString();

        Assert.Contains("AKIDEXAMPLE", text, StringComparison.Ordinal);
        Assert.DoesNotContain("wJalrXUtnFEMI-secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("session-token", text, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_ThrowsForMissingRegion_BeforeAnyCall() =>
        Assert.Throws<InvalidOperationException>(() =>
            AwsClientContext.FromEnvironment(Environment(("AWS_ACCESS_KEY_ID", "a"), ("AWS_SECRET_ACCESS_KEY", "b"))));

    [Fact]
    public void FromEnvironment_ReadsRegionAndEndpointsFromTheGivenEnvironment()
    {
        var context = AwsClientContext.FromEnvironment(Environment(
            ("AWS_REGION", "eu-north-1"), ("AWS_ENDPOINT_URL_SNS", "http://127.0.0.1:4566")));

        Assert.Equal("eu-north-1", context.Region);
        Assert.Equal(new Uri("http://127.0.0.1:4566/"), context.Endpoints.Resolve(AwsServiceDescriptor.Sns, context.Region));
        Assert.Equal(3, context.RetryPolicy.MaxAttempts);
        Assert.Same(TimeProvider.System, context.TimeProvider);
    }
}
