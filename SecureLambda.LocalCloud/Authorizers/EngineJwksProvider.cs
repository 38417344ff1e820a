using System.Collections.Concurrent;
using Microsoft.IdentityModel.Tokens;

namespace SecureLambda.LocalCloud.Authorizers;

/// <summary>
/// Fetches each pool's JWKS from the Cognito engine at <c>{endpoint}/{poolId}/.well-known/jwks.json</c>, where real
/// Cognito serves it (https://cognito-idp.{region}.amazonaws.com/{poolId}/.well-known/jwks.json, see
/// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html)
/// and moto serves it too. Keys are cached per pool. A token naming an unknown <c>kid</c> triggers one refresh, since
/// the pool may have rotated its keys, but at most one per pool per <see cref="MinimumRefreshInterval"/>, so a flood of
/// made-up kids cannot hammer the engine.
/// </summary>
public sealed partial class EngineJwksProvider(
    HttpClient http,
    Uri cognitoEndpoint,
    TimeProvider time,
    ILogger<EngineJwksProvider> logger) : IJwksProvider
{
    public static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(30);

    private readonly Uri _baseUri = cognitoEndpoint.AbsoluteUri.EndsWith('/') ? cognitoEndpoint : new Uri(cognitoEndpoint.AbsoluteUri + "/");
    private readonly ConcurrentDictionary<string, PoolKeys> _pools = new(StringComparer.Ordinal);

    public async Task<JsonWebKey?> FindSigningKeyAsync(string userPoolId, string keyId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userPoolId);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);

        var pool = _pools.GetOrAdd(userPoolId, static _ => new PoolKeys());
        if (Find(pool.Keys, keyId) is { } cached)
        {
            return cached;
        }

        await pool.Gate.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have refreshed while this one waited.
            if (Find(pool.Keys, keyId) is { } refreshed)
            {
                return refreshed;
            }

            var now = time.GetUtcNow();
            var isRefresh = pool.Keys is not null;
            if (isRefresh && pool.RefreshedAt is { } last && now - last < MinimumRefreshInterval)
            {
                LogRefreshSuppressed(logger, userPoolId, MinimumRefreshInterval.TotalSeconds);
                return null;
            }

            pool.Keys = await FetchAsync(userPoolId, cancellationToken);
            if (isRefresh)
            {
                pool.RefreshedAt = now;
            }

            return Find(pool.Keys, keyId);
        }
        finally
        {
            pool.Gate.Release();
        }
    }

    private async Task<IReadOnlyList<JsonWebKey>> FetchAsync(string userPoolId, CancellationToken cancellationToken)
    {
        var uri = new Uri(_baseUri, $"{Uri.EscapeDataString(userPoolId)}/.well-known/jwks.json");
        using var response = await http.GetAsync(uri, cancellationToken);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadAsStringAsync(cancellationToken);
        var keys = new JsonWebKeySet(json).Keys.ToArray();
        LogFetched(logger, userPoolId, keys.Length);
        return keys;
    }

    private static JsonWebKey? Find(IReadOnlyList<JsonWebKey>? keys, string keyId) =>
        keys?.FirstOrDefault(key => string.Equals(key.Kid, keyId, StringComparison.Ordinal));

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetched the JWKS of user pool {UserPoolId}: {KeyCount} keys")]
    private static partial void LogFetched(ILogger logger, string userPoolId, int keyCount);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "A token named a key that user pool {UserPoolId} does not have; its JWKS was already refreshed for an unknown key less than {IntervalSeconds} s ago, so it is not fetched again")]
    private static partial void LogRefreshSuppressed(ILogger logger, string userPoolId, double intervalSeconds);

    private sealed class PoolKeys
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public IReadOnlyList<JsonWebKey>? Keys { get; set; }

        /// <summary>When a token's unknown kid last made this pool's JWKS be fetched again; the first fetch is not a refresh.</summary>
        public DateTimeOffset? RefreshedAt { get; set; }
    }
}
