using System.Net;
using SecureLambda.Aws.SecretsManager;
using SecureLambda.Aws.Tests.Support;

namespace SecureLambda.Aws.Tests.SecretsManager;

/// <summary>The request the client puts on the wire and how it reads replies, without a server.</summary>
public sealed class SecretsManagerClientTests
{
    [Fact]
    public async Task GetSecret_SendsJson11GetSecretValue_SignedForSecretsManager()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Reply(HttpStatusCode.OK, """{"SecretString":"s3cr3t"}"""));
        using var http = new HttpClient(handler);
        var client = new SecretsManagerClient(http, TestContexts.Offline(new Dictionary<string, string> { ["AWS_SESSION_TOKEN"] = "session" }));

        var secret = await client.GetSecretStringAsync("LambdaSNSTopicARN", TestContext.Current.CancellationToken);

        Assert.Equal("s3cr3t", secret);
        var sent = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, sent.Method);
        Assert.Equal(new Uri("https://secretsmanager.us-east-1.amazonaws.com/"), sent.Uri);
        Assert.Equal("application/x-amz-json-1.1", sent.ContentType);
        Assert.Equal("secretsmanager.GetSecretValue", sent.Target);
        Assert.Equal("""{"SecretId":"LambdaSNSTopicARN"}""", sent.Body);
        Assert.Equal("session", sent.SecurityToken);
        Assert.Contains(
            "/us-east-1/secretsmanager/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, ",
            sent.Authorization,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSecret_ThrowsClearError_WhenSecretHoldsOnlyBinary()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Reply(HttpStatusCode.OK, """{"Name":"blob","SecretBinary":"AAECAw=="}"""));
        using var http = new HttpClient(handler);
        var client = new SecretsManagerClient(http, TestContexts.Offline());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => client.GetSecretStringAsync("blob", TestContext.Current.CancellationToken));

        Assert.Contains("SecretBinary", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AAECAw==", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSecret_EncodesSecretIdAsJson_WhenItHasQuotes()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Reply(HttpStatusCode.OK, """{"SecretString":"x"}"""));
        using var http = new HttpClient(handler);
        var client = new SecretsManagerClient(http, TestContexts.Offline());

        await client.GetSecretStringAsync("a\"b", TestContext.Current.CancellationToken);

        Assert.Equal("""{"SecretId":"a\u0022b"}""", Assert.Single(handler.Requests).Body);
    }
}
