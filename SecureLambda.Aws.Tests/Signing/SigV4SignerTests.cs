using System.Globalization;
using System.Text;
using System.Text.Json;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Signing;
using SecureLambda.Aws.Sns;
using SecureLambda.Aws.Tests.Support;

namespace SecureLambda.Aws.Tests.Signing;

/// <summary>
/// Our SigV4 against botocore's on the same inputs. The vectors come from scripts/sigv4-vectors.py, which runs
/// botocore.auth.SigV4Auth with fixed credentials and a frozen clock.
/// </summary>
public sealed class SigV4SignerTests
{
    private static readonly JsonElement Vectors = LoadVectors();

    public static TheoryData<string> VectorNames() =>
        new(Vectors.GetProperty("vectors").EnumerateArray().Select(vector => vector.GetProperty("name").GetString()!));

    public static TheoryData<string> SnsVectorNames() =>
        new(Vectors.GetProperty("vectors").EnumerateArray()
            .Where(vector => vector.TryGetProperty("snsPublish", out _))
            .Select(vector => vector.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Sign_MatchesBotocore_CanonicalRequestStringToSignAndAuthorization(string name)
    {
        var vector = Vector(name);
        var expected = vector.GetProperty("expected");
        using var request = RequestFrom(vector, out var body);

        var signature = SigV4Signer.SignWithDetails(
            request,
            body,
            CredentialsFrom(vector),
            vector.GetProperty("region").GetString()!,
            vector.GetProperty("service").GetString()!,
            DateTimeOffset.Parse(vector.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture));

        Assert.Equal(expected.GetProperty("canonicalRequest").GetString(), signature.CanonicalRequest);
        Assert.Equal(expected.GetProperty("stringToSign").GetString(), signature.StringToSign);
        Assert.Equal(expected.GetProperty("authorization").GetString(), signature.Authorization);
        Assert.Equal(expected.GetProperty("authorization").GetString(), Header(request, "Authorization"));
        Assert.Equal(expected.GetProperty("xAmzDate").GetString(), Header(request, "X-Amz-Date"));
        Assert.Equal(expected.GetProperty("xAmzSecurityToken").GetString(), Header(request, "X-Amz-Security-Token"));
    }

    [Theory]
    [MemberData(nameof(SnsVectorNames))]
    public void PublishForm_EncodesLikeBotocoreQuerySerializer(string name)
    {
        var vector = Vector(name);

        var form = SnsClient.PublishForm(PublishRequestFrom(vector.GetProperty("snsPublish")));

        Assert.Equal(vector.GetProperty("body").GetString(), form);
    }

    [Theory]
    [MemberData(nameof(SnsVectorNames))]
    public async Task Publish_SendsTheRequestBotocoreWouldSign(string name)
    {
        // End to end through the client's own pipeline: same clock, credentials and endpoint as the vector, so the
        // Authorization it sends must be botocore's byte for byte.
        var vector = Vector(name);
        var url = new Uri(vector.GetProperty("url").GetString()!);
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = vector.GetProperty("accessKeyId").GetString()!,
            ["AWS_SECRET_ACCESS_KEY"] = vector.GetProperty("secretAccessKey").GetString()!,
            ["AWS_REGION"] = vector.GetProperty("region").GetString()!,
        };
        if (vector.GetProperty("sessionToken").GetString() is { } token)
        {
            environment["AWS_SESSION_TOKEN"] = token;
        }

        if (!url.Host.EndsWith(".amazonaws.com", StringComparison.Ordinal))
        {
            environment["AWS_ENDPOINT_URL_SNS"] = url.GetLeftPart(UriPartial.Authority);
        }

        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(
            DateTimeOffset.Parse(vector.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture));
        var handler = new ScriptedHandler(ScriptedHandler.Reply(
            System.Net.HttpStatusCode.OK,
            """<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>"""));
        using var http = new HttpClient(handler);
        var client = new SnsClient(http, TestContexts.Offline(environment, timeProvider: clock));

        await client.PublishAsync(PublishRequestFrom(vector.GetProperty("snsPublish")), TestContext.Current.CancellationToken);

        var sent = Assert.Single(handler.Requests);
        Assert.Equal(url, sent.Uri);
        Assert.Equal(vector.GetProperty("body").GetString(), sent.Body);
        Assert.Equal(vector.GetProperty("expected").GetProperty("authorization").GetString(), sent.Authorization);
    }

    [Fact]
    public void Sign_ReplacesAnEarlierSignature_WhenSignedAgain()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://sns.us-east-1.amazonaws.com/");
        var credentials = new AwsCredentials("AKIDEXAMPLE", "secret", "token-1");

        SigV4Signer.Sign(request, [], credentials, "us-east-1", "sns", TestContexts.Start);
        var first = Header(request, "Authorization");
        SigV4Signer.Sign(request, [], credentials with { SessionToken = "token-2" }, "us-east-1", "sns", TestContexts.Start.AddSeconds(1));

        Assert.Single(request.Headers.GetValues("Authorization"));
        Assert.Equal("token-2", Header(request, "X-Amz-Security-Token"));
        Assert.Equal("20251125T085131Z", Header(request, "X-Amz-Date"));
        Assert.NotEqual(first, Header(request, "Authorization"));
    }

    private static HttpRequestMessage RequestFrom(JsonElement vector, out byte[] body)
    {
        var request = new HttpRequestMessage(
            new HttpMethod(vector.GetProperty("method").GetString()!),
            vector.GetProperty("url").GetString());
        body = Encoding.UTF8.GetBytes(vector.GetProperty("body").GetString()!);
        if (body.Length > 0)
        {
            request.Content = new ByteArrayContent(body);
        }

        foreach (var header in vector.GetProperty("headers").EnumerateArray())
        {
            var name = header[0].GetString()!;
            var value = header[1].GetString()!;
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content!.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    private static AwsCredentials CredentialsFrom(JsonElement vector) => new(
        vector.GetProperty("accessKeyId").GetString()!,
        vector.GetProperty("secretAccessKey").GetString()!,
        vector.GetProperty("sessionToken").GetString());

    private static SnsPublishRequest PublishRequestFrom(JsonElement publish) => new(
        publish.GetProperty("topicArn").GetString()!,
        publish.GetProperty("message").GetString()!,
        publish.GetProperty("stringAttributes").EnumerateArray()
            .ToDictionary(pair => pair[0].GetString()!, pair => pair[1].GetString()!),
        publish.GetProperty("subject").GetString());

    private static JsonElement Vector(string name) =>
        Vectors.GetProperty("vectors").EnumerateArray().Single(vector => vector.GetProperty("name").GetString() == name);

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;

    private static JsonElement LoadVectors()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Signing", "botocore-sigv4-vectors.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }
}
