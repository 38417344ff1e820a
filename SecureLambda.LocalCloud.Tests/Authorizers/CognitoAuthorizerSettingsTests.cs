using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Properties;
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

    private static ResourceProperties Authorizer(string json) =>
        new("GreetingAuthorizer", "AWS::ApiGateway::Authorizer", (JsonObject)JsonNode.Parse(json)!);

    [Fact]
    public void FromTemplate_ReadsPoolsHeaderAndClients()
    {
        var settings = CognitoAuthorizerSettings.FromTemplate(
            Authorizer("""{"Name":"Pool","ProviderARNs":["arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc"],"IdentitySource":"method.request.header.X-Token"}"""),
            "us-east-1",
            pools => new HashSet<string>(pools.Select(pool => pool + "-client")));

        Assert.Equal("Pool", settings.AuthorizerName);
        Assert.Equal(["us-east-1_abc"], settings.UserPoolIds);
        Assert.Equal(["us-east-1_abc-client"], settings.AppClientIds);
        Assert.Equal("X-Token", settings.IdentitySourceHeader);
    }

    [Fact]
    public void FromTemplate_NamesTheAuthorizerAndTheEntry_WhenAProviderArnIsNotAUserPool()
    {
        var error = Assert.Throws<UnsupportedTemplateException>(() => CognitoAuthorizerSettings.FromTemplate(
            Authorizer("""{"ProviderARNs":["arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc","arn:aws:s3:::bucket"]}"""),
            "us-east-1",
            _ => new HashSet<string>()));

        Assert.Equal("GreetingAuthorizer", error.LogicalId);
        Assert.Equal("AWS::ApiGateway::Authorizer", error.ResourceType);
        Assert.Contains("ProviderARNs[1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("arn:aws:s3:::bucket", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromTemplate_NamesTheAuthorizer_WhenTheIdentitySourceIsNotOneHeader()
    {
        var error = Assert.Throws<UnsupportedTemplateException>(() => CognitoAuthorizerSettings.FromTemplate(
            Authorizer("""{"ProviderARNs":["arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc"],"IdentitySource":"method.request.querystring.token"}"""),
            "us-east-1",
            _ => new HashSet<string>()));

        Assert.Equal("GreetingAuthorizer", error.LogicalId);
        Assert.Contains("property IdentitySource", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromTemplate_NamesTheAuthorizer_WhenProviderArnsIsMissing()
    {
        var error = Assert.Throws<UnsupportedTemplateException>(() => CognitoAuthorizerSettings.FromTemplate(
            Authorizer("""{"Name":"Pool"}"""), "us-east-1", _ => new HashSet<string>()));

        Assert.Equal("GreetingAuthorizer", error.LogicalId);
        Assert.Contains("property ProviderARNs is required", error.Message, StringComparison.Ordinal);
    }
}
