using System.Collections.Concurrent;
using Microsoft.IdentityModel.Tokens;

namespace SecureLambda.LocalCloud.Authorizers;

/// <summary>
/// Fetches each pool's JWKS from the Cognito engine at <c>{endpoint}/{poolId}/.well-known/jwks.json</c>, where real
/// Cognito serves it (https://cognito-idp.{region}.amazonaws.com/{poolId}/.well-known/jwks.json, see
/// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html)
/// and moto serves it too. Keys are cached per pool. A token naming an unknown <c>kid</c> triggers one refresh, since
/// the pool may have rotated its keys, but at most one per pool per <see cref="MinimumRefreshInterval"/>, so a flood of
/// made-up kids cannot hammer the engine. Cached keys are trusted for <see cref="CacheLifetime"/> only, then read
/// again, so a key the pool no longer publishes stops verifying tokens; when they cannot be read again, the authorizer
/// fails closed (<see cref="JwksUnavailableException"/>) rather than trust keys it can no longer confirm.
/// </summary>
public sealed partial class EngineJwksProvider(
    HttpClient http,
    Uri cognitoEndpoint,
    TimeProvider time,
    ILogger<EngineJwksProvider> logger) : IJwksProvider
{
    public static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(5);

    private readonly Uri _baseUri = cognitoEndpoint.AbsoluteUri.EndsWith('/') ? cognitoEndpoint : new Uri(cognitoEndpoint.AbsoluteUri + "/");
    private readonly ConcurrentDictionary<string, PoolKeys> _pools = new(StringComparer.Ordinal);

    public async Task<JsonWebKey?> FindSigningKeyAsync(string userPoolId, string keyId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userPoolId);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);

        var pool = _pools.GetOrAdd(userPoolId, static _ => new PoolKeys());
        if (pool.IsFresh(time.GetUtcNow()) && Find(pool.Keys, keyId) is { } cached)
        {
            return cached;
        }

        await pool.Gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();

            // Another caller may have refreshed while this one waited.
            if (pool.IsFresh(now) && Find(pool.Keys, keyId) is { } refreshed)
            {
                return refreshed;
            }

            // An unknown kid while the keys are fresh is a refresh, bounded; stale keys are simply read again.
            var isRefresh = pool.IsFresh(now);
            if (isRefresh && pool.RefreshedAt is { } last && now - last < MinimumRefreshInterval)
            {
                LogRefreshSuppressed(logger, userPoolId, MinimumRefreshInterval.TotalSeconds);
                return null;
            }

            pool.Keys = null;
            pool.Keys = await FetchAsync(userPoolId, cancellationToken);
            pool.FetchedAt = now;
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

        public DateTimeOffset FetchedAt { get; set; }

        public bool IsFresh(DateTimeOffset now) => Keys is not null && now - FetchedAt < CacheLifetime;

        /// <summary>When a token's unknown kid last made this pool's JWKS be fetched again; the first fetch is not a refresh.</summary>
        public DateTimeOffset? RefreshedAt { get; set; }
    }
}
