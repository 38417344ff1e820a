using System.Globalization;
using System.Text;
using System.Text.Json;
using SecureLambda.Aws.Signing;

namespace SecureLambda.Aws.Tests.Signing;

/// <summary>
/// The verifier against requests botocore signed (the vectors of scripts/sigv4-vectors.py): each is accepted as it was
/// sent, and refused as AWS refuses it once anything the signature covers is changed.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
/// </summary>
public sealed class SigV4VerifierTests
{
    private static readonly JsonElement Vectors = LoadVectors();

    public static TheoryData<string> VectorNames() =>
        new(Vectors.GetProperty("vectors").EnumerateArray().Select(vector => vector.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Verify_AcceptsTheRequestBotocoreSigned(string name)
    {
        var vector = Vector(name);

        var result = Verify(vector, Request(vector));

        Assert.Equal(SigV4Outcome.Valid, result.Outcome);
        Assert.Equal(vector.GetProperty("accessKeyId").GetString(), result.AccessKeyId);
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void ForgeBody_UnderAnotherRequestsSignature_IsRefusedAsInvalidSignature(string name)
    {
        var vector = Vector(name);
        var request = Request(vector) with { Body = Encoding.UTF8.GetBytes("{\"forged\":true}") };

        Assert.Equal(SigV4Outcome.InvalidSignature, Verify(vector, request).Outcome);
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void GuessSecret_ForAKnownAccessKey_IsRefusedAsInvalidSignature(string name)
    {
        var vector = Vector(name);

        var result = SigV4Verifier.Verify(Request(vector), _ => "not-the-secret", Service(vector), Region(vector), SignedAt(vector));

        Assert.Equal(SigV4Outcome.InvalidSignature, result.Outcome);
        Assert.StartsWith("The request signature we calculated does not match", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InventAccessKey_IsRefusedAsUnrecognizedClient()
    {
        var vector = Vector("secretsmanager-json11-get-secret-value");

        var result = SigV4Verifier.Verify(Request(vector), _ => null, Service(vector), Region(vector), SignedAt(vector));

        Assert.Equal(SigV4Outcome.UnknownAccessKey, result.Outcome);
        Assert.Equal("The security token included in the request is invalid.", result.Message);
    }

    [Fact]
    public void SendUnsigned_IsRefusedAsMissingAuthenticationToken()
    {
        var vector = Vector("secretsmanager-json11-get-secret-value");
        var request = Request(vector, without: "Authorization");

        var result = Verify(vector, request);

        Assert.Equal(SigV4Outcome.MissingAuthentication, result.Outcome);
        Assert.Equal("Missing Authentication Token", result.Message);
    }

    [Theory]
    [InlineData("Bearer abc")]
    [InlineData("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20251125/eu-west-1/secretsmanager/aws4_request, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/x, SignedHeaders=host, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=")]
    public void MangleAuthorization_IsRefusedAsIncompleteSignature(string authorization)
    {
        var vector = Vector("secretsmanager-json11-get-secret-value");
        var request = Request(vector, replace: ("Authorization", authorization));

        Assert.Equal(SigV4Outcome.IncompleteSignature, Verify(vector, request).Outcome);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void ReplayOldSignature_OutsideFiveMinutes_IsRefusedAsInvalidSignature(int seconds)
    {
        var vector = Vector("secretsmanager-json11-get-secret-value");

        var late = SigV4Verifier.Verify(Request(vector), Secret(vector), Service(vector), Region(vector), SignedAt(vector).AddSeconds(seconds));
        var inTime = SigV4Verifier.Verify(Request(vector), Secret(vector), Service(vector), Region(vector), SignedAt(vector).AddSeconds(Math.Sign(seconds) * 299));

        Assert.Equal(SigV4Outcome.InvalidSignature, late.Outcome);
        Assert.StartsWith(seconds > 0 ? "Signature expired" : "Signature not yet current", late.Message, StringComparison.Ordinal);
        Assert.Equal(SigV4Outcome.Valid, inTime.Outcome);
    }

    [Fact]
    public void ReuseSignature_ForAnotherServiceOrRegion_IsRefusedAsInvalidSignature()
    {
        var vector = Vector("secretsmanager-json11-get-secret-value");

        var otherService = SigV4Verifier.Verify(Request(vector), Secret(vector), "lambda", Region(vector), SignedAt(vector));
        var otherRegion = SigV4Verifier.Verify(Request(vector), Secret(vector), Service(vector), "us-east-1", SignedAt(vector));

        Assert.Equal(SigV4Outcome.InvalidSignature, otherService.Outcome);
        Assert.Equal("Credential should be scoped to correct service: 'lambda'.", otherService.Message);
        Assert.Equal(SigV4Outcome.InvalidSignature, otherRegion.Outcome);
    }

    /// <summary>
    /// An ARN in the path arrives encoded once (<c>%3A</c>) and is encoded again in the canonical request, as botocore
    /// signs it (<c>botocore.auth.SigV4Auth</c> on the AWS CLI's Invoke, captured once).
    /// </summary>
    [Fact]
    public void Verify_AcceptsBotocoresSignature_OverAnEncodedArnInThePath()
    {
        string[] headers = ["127.0.0.1:4567", "20261201T214717Z", "RequestResponse",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date;x-amz-invocation-type, Signature=599e9a9793333379fcdc5d395cbcd64e845c2075a5dce30ad117bd16e10c2986"];
        var request = new SigV4Request(
            "POST",
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Asecure-lambda-Echo/invocations",
            name => name.ToLowerInvariant() switch
            {
                "host" => [headers[0]],
                "x-amz-date" => [headers[1]],
                "x-amz-invocation-type" => [headers[2]],
                "authorization" => [headers[3]],
                _ => [],
            },
            Encoding.UTF8.GetBytes("{\"name\":\"Ada\"}"));

        var result = SigV4Verifier.Verify(
            request, id => id == "AKIDEXAMPLE" ? "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" : null, "lambda", "us-east-1",
            new DateTimeOffset(2026, 12, 1, 21, 47, 17, TimeSpan.Zero));

        Assert.Equal(SigV4Outcome.Valid, result.Outcome);
    }

    private static SigV4Verification Verify(JsonElement vector, SigV4Request request) =>
        SigV4Verifier.Verify(request, Secret(vector), Service(vector), Region(vector), SignedAt(vector));

    private static Func<string, string?> Secret(JsonElement vector) => accessKeyId =>
        accessKeyId == vector.GetProperty("accessKeyId").GetString() ? vector.GetProperty("secretAccessKey").GetString() : null;

    private static string Service(JsonElement vector) => vector.GetProperty("service").GetString()!;

    private static string Region(JsonElement vector) => vector.GetProperty("region").GetString()!;

    private static DateTimeOffset SignedAt(JsonElement vector) =>
        DateTimeOffset.Parse(vector.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture);

    /// <summary>The request as the service receives it: the vector's headers, Host, and the headers botocore added.</summary>
    private static SigV4Request Request(JsonElement vector, string? without = null, (string Name, string Value)? replace = null)
    {
        var url = new Uri(vector.GetProperty("url").GetString()!);
        var expected = vector.GetProperty("expected");
        var headers = new List<(string Name, string Value)>();
        headers.AddRange(vector.GetProperty("headers").EnumerateArray().Select(h => (h[0].GetString()!, h[1].GetString()!)));
        headers.Add(("Host", url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}"));
        headers.Add(("X-Amz-Date", expected.GetProperty("xAmzDate").GetString()!));
        headers.Add(("Authorization", expected.GetProperty("authorization").GetString()!));
        if (expected.GetProperty("xAmzSecurityToken").GetString() is { } token)
        {
            headers.Add(("X-Amz-Security-Token", token));
        }

        headers.RemoveAll(h => string.Equals(h.Name, without ?? replace?.Name, StringComparison.OrdinalIgnoreCase));
        if (replace is { } replacement)
        {
            headers.Add(replacement);
        }

        return new SigV4Request(
            vector.GetProperty("method").GetString()!,
            url.PathAndQuery,
            name => headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList(),
            Encoding.UTF8.GetBytes(vector.GetProperty("body").GetString()!));
    }

    private static JsonElement Vector(string name) =>
        Vectors.GetProperty("vectors").EnumerateArray().Single(vector => vector.GetProperty("name").GetString() == name);

    private static JsonElement LoadVectors()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Signing", "botocore-sigv4-vectors.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }
}
