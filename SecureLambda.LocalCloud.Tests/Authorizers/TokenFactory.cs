using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using SecureLambda.LocalCloud.Authorizers;

namespace SecureLambda.LocalCloud.Tests.Authorizers;

/// <summary>Hand-made JWTs: our own RSA key for tokens we sign, and raw segments for forgeries.</summary>
internal static class TokenFactory
{
    public static string Encode(JsonNode node) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(node.ToJsonString()));

    public static string Sign(RSA key, string kid, JsonObject payload)
    {
        var header = Encode(new JsonObject { ["kid"] = kid, ["alg"] = "RS256", ["typ"] = "JWT" });
        var body = Encode(payload);
        var signature = key.SignData(Encoding.ASCII.GetBytes($"{header}.{body}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{body}.{Base64UrlEncoder.Encode(signature)}";
    }

    public static string SignHs256(byte[] secret, string kid, JsonObject payload)
    {
        var header = Encode(new JsonObject { ["kid"] = kid, ["alg"] = "HS256", ["typ"] = "JWT" });
        var body = Encode(payload);
        var mac = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes($"{header}.{body}"));
        return $"{header}.{body}.{Base64UrlEncoder.Encode(mac)}";
    }

    public static string Unsigned(string kid, JsonObject payload) =>
        $"{Encode(new JsonObject { ["kid"] = kid, ["alg"] = "none", ["typ"] = "JWT" })}.{Encode(payload)}.";

    public static JsonObject Payload(string token) =>
        JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[1]))!.AsObject();

    public static JsonObject Header(string token) =>
        JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[0]))!.AsObject();

    /// <summary>The token with its payload replaced and its original signature kept.</summary>
    public static string WithPayload(string token, JsonObject payload)
    {
        var parts = token.Split('.');
        return $"{parts[0]}.{Encode(payload)}.{parts[2]}";
    }

    /// <summary>The token with one signature character in the middle changed (the last one may only carry padding bits).</summary>
    public static string WithTamperedSignature(string token)
    {
        var parts = token.Split('.');
        var signature = parts[2].ToCharArray();
        var middle = signature.Length / 2;
        signature[middle] = signature[middle] == 'A' ? 'B' : 'A';
        return $"{parts[0]}.{parts[1]}.{new string(signature)}";
    }

    public static JsonWebKey PublicJwk(RSA key, string kid)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        return new JsonWebKey
        {
            Kty = "RSA",
            Kid = kid,
            Alg = "RS256",
            Use = "sig",
            N = Base64UrlEncoder.Encode(parameters.Modulus),
            E = Base64UrlEncoder.Encode(parameters.Exponent),
        };
    }

    public static long Epoch(DateTimeOffset instant) => instant.ToUnixTimeSeconds();

    public static JsonElement ToElement(JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();
}

/// <summary>Counts the requests that reach the engine.</summary>
internal sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>A JWKS provider serving fixed keys for one pool.</summary>
internal sealed class StaticJwksProvider(string poolId, params JsonWebKey[] keys) : IJwksProvider
{
    public Task<JsonWebKey?> FindSigningKeyAsync(string userPoolId, string keyId, CancellationToken cancellationToken) =>
        Task.FromResult(userPoolId == poolId ? keys.FirstOrDefault(key => key.Kid == keyId) : null);
}
