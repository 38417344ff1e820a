using SecureLambda.Aws.Core;

namespace SecureLambda.Aws.Tests.Core;

public sealed class AwsEndpointResolverTests
{
    private static AwsEndpointResolver Resolver(params (string Name, string Value)[] variables)
    {
        var environment = variables.ToDictionary(variable => variable.Name, variable => variable.Value);
        return new AwsEndpointResolver(environment.GetValueOrDefault);
    }

    public static TheoryData<string, string> ServiceVariables() => new()
    {
        { nameof(AwsServiceDescriptor.SecretsManager), "AWS_ENDPOINT_URL_SECRETS_MANAGER" },
        { nameof(AwsServiceDescriptor.Sns), "AWS_ENDPOINT_URL_SNS" },
        { nameof(AwsServiceDescriptor.CognitoIdentityProvider), "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER" },
        { nameof(AwsServiceDescriptor.Sqs), "AWS_ENDPOINT_URL_SQS" },
    };

    private static AwsServiceDescriptor Service(string name) => name switch
    {
        nameof(AwsServiceDescriptor.SecretsManager) => AwsServiceDescriptor.SecretsManager,
        nameof(AwsServiceDescriptor.Sns) => AwsServiceDescriptor.Sns,
        nameof(AwsServiceDescriptor.CognitoIdentityProvider) => AwsServiceDescriptor.CognitoIdentityProvider,
        _ => AwsServiceDescriptor.Sqs,
    };

    [Theory]
    [MemberData(nameof(ServiceVariables))]
    public void EndpointVariable_IsTheSdkServiceSpecificName(string service, string variable) =>
        Assert.Equal(variable, Service(service).EndpointVariable);

    [Theory]
    [MemberData(nameof(ServiceVariables))]
    public void Resolve_PrefersServiceSpecificVariable_OverGlobal(string service, string variable)
    {
        var resolver = Resolver((variable, "http://127.0.0.1:4566"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"));

        Assert.Equal(new Uri("http://127.0.0.1:4566/"), resolver.Resolve(Service(service), "us-east-1"));
    }

    [Fact]
    public void Resolve_UsesGlobalVariable_WhenServiceVariableIsUnsetOrBlank()
    {
        var resolver = Resolver(("AWS_ENDPOINT_URL_SNS", " "), ("AWS_ENDPOINT_URL", "http://localhost:5000"));

        Assert.Equal(new Uri("http://localhost:5000/"), resolver.Resolve(AwsServiceDescriptor.Sns, "us-east-1"));
    }

    [Fact]
    public void Resolve_IgnoresOtherServicesVariables()
    {
        var resolver = Resolver(("AWS_ENDPOINT_URL_SQS", "http://localhost:9324"));

        Assert.Equal(new Uri("https://sns.eu-west-1.amazonaws.com/"), resolver.Resolve(AwsServiceDescriptor.Sns, "eu-west-1"));
    }

    [Theory]
    [InlineData("secretsmanager", "eu-central-1", "https://secretsmanager.eu-central-1.amazonaws.com/")]
    [InlineData("cognito-idp", "us-west-2", "https://cognito-idp.us-west-2.amazonaws.com/")]
    [InlineData("sns", "cn-north-1", "https://sns.cn-north-1.amazonaws.com.cn/")]
    public void Resolve_UsesRegionalAwsEndpoint_WhenNoVariableIsSet(string prefix, string region, string expected)
    {
        var service = new[]
        {
            AwsServiceDescriptor.SecretsManager, AwsServiceDescriptor.CognitoIdentityProvider, AwsServiceDescriptor.Sns,
        }.Single(candidate => candidate.EndpointPrefix == prefix);

        Assert.Equal(new Uri(expected), Resolver().Resolve(service, region));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("TRUE")]
    public void Resolve_IgnoresConfiguredEndpoints_WhenIgnoreFlagIsTrue(string flag)
    {
        var resolver = Resolver(
            ("AWS_ENDPOINT_URL_SNS", "http://127.0.0.1:4566"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", flag));

        Assert.Equal(new Uri("https://sns.us-east-1.amazonaws.com/"), resolver.Resolve(AwsServiceDescriptor.Sns, "us-east-1"));
    }

    [Fact]
    public void Resolve_HonoursConfiguredEndpoints_WhenIgnoreFlagIsFalse()
    {
        var resolver = Resolver(("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"));

        Assert.Equal(new Uri("http://127.0.0.1:5000/"), resolver.Resolve(AwsServiceDescriptor.Sns, "us-east-1"));
    }

    [Theory]
    [InlineData("localhost:4566")]
    [InlineData("ftp://localhost:4566")]
    public void Resolve_ThrowsNamingTheVariable_WhenEndpointIsNotAnHttpUrl(string value)
    {
        var resolver = Resolver(("AWS_ENDPOINT_URL_SECRETS_MANAGER", value));

        var error = Assert.Throws<InvalidOperationException>(() => resolver.Resolve(AwsServiceDescriptor.SecretsManager, "us-east-1"));
        Assert.Contains("AWS_ENDPOINT_URL_SECRETS_MANAGER", error.Message, StringComparison.Ordinal);
    }
}
