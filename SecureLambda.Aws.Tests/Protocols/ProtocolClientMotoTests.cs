using System.Net;
using System.Text.Json.Nodes;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Protocols;
using SecureLambda.Aws.Tests.Support;
using SecureLambda.Testing;

namespace SecureLambda.Aws.Tests.Protocols;

[Collection(MotoServerCollectionDefinition.Name)]
public sealed class ProtocolClientMotoTests(MotoServerFixture moto) : IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    private AwsJsonProtocolClient Cognito() => new(
        _http, MotoClients.Context(moto.Server), AwsServiceDescriptor.CognitoIdentityProvider, "AWSCognitoIdentityProviderService");

    private AwsQueryProtocolClient Sns() => new(_http, MotoClients.Context(moto.Server), AwsServiceDescriptor.Sns, "2010-03-31");

    [Fact]
    public async Task JsonClient_ListUserPools_ReturnsPoolCreatedWithAwsCli()
    {
        var name = $"pool-{Guid.NewGuid():N}";
        var poolId = (await moto.Server.AwsCliAsync("cognito-idp", "create-user-pool", "--pool-name", name))!.Value
            .GetProperty("UserPool").GetProperty("Id").GetString();

        var reply = await Cognito().CallAsync("ListUserPools", new JsonObject { ["MaxResults"] = 60 }, TestContext.Current.CancellationToken);

        var pools = reply["UserPools"]!.AsArray();
        Assert.Contains(pools, pool => (string?)pool!["Id"] == poolId && (string?)pool["Name"] == name);
    }

    [Fact]
    public async Task JsonClient_CreateSecretThenGetSecretValue_RoundTripsOverSecretsManagerTarget()
    {
        var client = new AwsJsonProtocolClient(
            _http, MotoClients.Context(moto.Server), AwsServiceDescriptor.SecretsManager, "secretsmanager");
        var name = $"secret-{Guid.NewGuid():N}";

        var created = await client.CallAsync(
            "CreateSecret", new JsonObject { ["Name"] = name, ["SecretString"] = "v1" }, TestContext.Current.CancellationToken);
        var value = await client.CallAsync(
            "GetSecretValue", new JsonObject { ["SecretId"] = name }, TestContext.Current.CancellationToken);

        Assert.StartsWith("arn:aws:secretsmanager:us-east-1:", (string?)created["ARN"], StringComparison.Ordinal);
        Assert.Equal("v1", (string?)value["SecretString"]);
    }

    [Fact]
    public async Task JsonClient_ThrowsResourceNotFound_WhenUserPoolDoesNotExist()
    {
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => Cognito().CallAsync(
            "DescribeUserPool",
            new JsonObject { ["UserPoolId"] = "us-east-1_missing0" },
            TestContext.Current.CancellationToken));

        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
        Assert.Equal("CognitoIdentityProvider", error.Service);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }

    [Fact]
    public async Task QueryClient_ListTopics_ReturnsTopicCreatedWithAwsCli()
    {
        var topicArn = (await moto.Server.AwsCliAsync("sns", "create-topic", "--name", $"topic-{Guid.NewGuid():N}"))!.Value
            .GetProperty("TopicArn").GetString();

        var result = await Sns().CallAsync("ListTopics", [], TestContext.Current.CancellationToken);

        Assert.Equal("ListTopicsResult", result.Name.LocalName);
        Assert.Contains(result.Descendants(), element => element.Name.LocalName == "TopicArn" && element.Value == topicArn);
    }

    [Fact]
    public async Task QueryClient_CreateTopic_SendsFlattenedAttributes()
    {
        var name = $"topic-{Guid.NewGuid():N}";

        var result = await Sns().CallAsync(
            "CreateTopic",
            [new("Name", name), new("Attributes.entry.1.key", "DisplayName"), new("Attributes.entry.1.value", "Greeting & more")],
            TestContext.Current.CancellationToken);
        var topicArn = result.Elements().Single(element => element.Name.LocalName == "TopicArn").Value;

        var attributes = (await moto.Server.AwsCliAsync("sns", "get-topic-attributes", "--topic-arn", topicArn))!.Value
            .GetProperty("Attributes");
        Assert.Equal("Greeting & more", attributes.GetProperty("DisplayName").GetString());
    }

    [Fact]
    public async Task QueryClient_ThrowsNotFound_WhenTopicDoesNotExist()
    {
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => Sns().CallAsync(
            "GetTopicAttributes",
            [new("TopicArn", $"arn:aws:sns:us-east-1:123456789012:missing-{Guid.NewGuid():N}")],
            TestContext.Current.CancellationToken));

        Assert.Equal("NotFound", error.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
    }
}
