using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SecureLambda.LocalCloud.Authorizers;

namespace SecureLambda.LocalCloud.Tests.Authorizers;

public sealed class CognitoAuthorizerSettingsTests
{
    [Theory]
    [InlineData("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123", "us-east-1_AbCdEf123")]
    [InlineData("arn:aws-cn:cognito-idp:cn-north-1:123456789012:userpool/cn-north-1_Xyz", "cn-north-1_Xyz")]
    public void PoolIdFromArn_ReadsThePoolId(string arn, string poolId) =>
        Assert.Equal(poolId, CognitoAuthorizerSettings.PoolIdFromArn(arn));

    [Theory]
    [InlineData("arn:aws:sns:us-east-1:123456789012:topic")]
    [InlineData("arn:aws:cognito-idp:us-east-1:123456789012:userpool/")]
    [InlineData("arn:aws:cognito-idp:us-east-1:123456789012:identitypool/us-east-1_x")]
    [InlineData("us-east-1_AbCdEf123")]
    public void PoolIdFromArn_Throws_WhenNotAUserPoolArn(string arn) =>
        Assert.Throws<FormatException>(() => CognitoAuthorizerSettings.PoolIdFromArn(arn));

    [Fact]
    public void HeaderFromIdentitySource_ReadsTheHeaderName() =>
        Assert.Equal("Authorization", CognitoAuthorizerSettings.HeaderFromIdentitySource("method.request.header.Authorization"));

    [Theory]
    [InlineData("method.request.querystring.token")]
    [InlineData("method.request.header.")]
    [InlineData("method.request.header.Auth, method.request.header.Other")]
    public void HeaderFromIdentitySource_Throws_WhenNotASingleHeader(string identitySource) =>
        Assert.Throws<FormatException>(() => CognitoAuthorizerSettings.HeaderFromIdentitySource(identitySource));

    [Fact]
    public void IssuerFor_IsTheCognitoIssuerOfThePool() =>
        Assert.Equal(
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123",
            new CognitoAuthorizerSettings("a", "us-east-1", [], new HashSet<string>(), null).IssuerFor("us-east-1_AbCdEf123"));

    [Fact]
    public void RefusedToken_GetsAwsExactGatewayResponse()
    {
        Assert.Equal((401, """{"message":"Unauthorized"}"""), RefusedTokenResponses.Of(AuthorizerFailure.MissingToken));
        Assert.Equal((401, """{"message":"Unauthorized"}"""), RefusedTokenResponses.Of(AuthorizerFailure.InvalidToken));
        Assert.Equal((401, """{"message":"The incoming token has expired"}"""), RefusedTokenResponses.Of(AuthorizerFailure.ExpiredToken));
        Assert.Throws<ArgumentOutOfRangeException>(() => RefusedTokenResponses.Of(AuthorizerFailure.None));
    }

    [Theory]
    [InlineData("http://cognito:5000", "http://global:4566", "http://cognito:5000/")]
    [InlineData(null, "http://global:4566", "http://global:4566/")]
    [InlineData(null, null, "https://cognito-idp.eu-west-1.amazonaws.com/")]
    public void CognitoEndpoint_IsServiceVariableThenGlobalThenRegional(string? serviceEndpoint, string? globalEndpoint, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] = serviceEndpoint,
            ["AWS_ENDPOINT_URL"] = globalEndpoint,
            ["AWS_REGION"] = "eu-west-1",
        }).Build();

        Assert.Equal(new Uri(expected), AuthorizerServiceCollectionExtensions.ResolveCognitoEndpoint(configuration));
    }

    [Fact]
    public void AddCognitoAuthorizers_RegistersTheValidatorAndTheEngineJwksProvider()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566",
            ["AWS_REGION"] = "us-east-1",
        }).Build());

        services.AddCognitoAuthorizers();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<EngineJwksProvider>(provider.GetRequiredService<IJwksProvider>());
        Assert.NotNull(provider.GetRequiredService<CognitoTokenValidator>());
    }
}
