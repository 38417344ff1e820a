using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Properties;
using SecureLambda.LocalCloud.Diagnostics;

namespace SecureLambda.LocalCloud.ApiGateway.Throttling;

/// <summary>
/// Stage and method throttling of one REST API stage, from its <c>MethodSettings</c>. Every method (resource path and
/// HTTP verb) has its own token bucket with the limits that apply to it: a setting for the method's own path overrides
/// the stage-wide <c>/*</c> one, and a setting for its own verb overrides <c>*</c>. A method no setting limits is not
/// throttled here.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
/// </summary>
/// <remarks>
/// AWS also applies an account-level throttle per Region (<see cref="ThrottleLimits.AccountDefault"/>: 10,000 rps,
/// burst 5,000) across all APIs. It is not modelled by default, because a local stack never reaches it and it would
/// only hide the stage limits; pass one shared <c>accountBucket</c> to every stage to model it as an outer bucket.
/// </remarks>
public sealed class StageThrottle
{
    public const string CounterName = "securelambda.throttle.decisions";

    private static readonly Counter<long> Decisions = LocalCloudTelemetry.Meter.CreateCounter<long>(
        CounterName, unit: "{request}", description: "Stage throttle decisions (allowed or throttled) per method.");

    private readonly ConcurrentDictionary<(string Path, string Method), TokenBucket?> _buckets = new();
    private readonly TimeProvider _timeProvider;
    private readonly TokenBucket? _accountBucket;

    public StageThrottle(
        string stageName, IReadOnlyList<MethodThrottleSetting> settings, TimeProvider timeProvider, TokenBucket? accountBucket = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stageName);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (Duplicate(settings) is { } duplicate)
        {
            throw new ArgumentException($"More than one setting for {duplicate.ResourcePath} {duplicate.HttpMethod}.", nameof(settings));
        }

        StageName = stageName;
        Settings = settings;
        _timeProvider = timeProvider;
        _accountBucket = accountBucket;
    }

    public string StageName { get; }

    public IReadOnlyList<MethodThrottleSetting> Settings { get; }

    /// <summary>
    /// Reads the resolved properties of an <c>AWS::ApiGateway::Stage</c> (<c>StageName</c> and <c>MethodSettings</c>);
    /// a value API Gateway would reject is an <see cref="UnsupportedTemplateException"/> naming the stage resource.
    /// </summary>
    public static StageThrottle FromTemplate(ResourceProperties stage, TimeProvider timeProvider, TokenBucket? accountBucket = null)
    {
        ArgumentNullException.ThrowIfNull(stage);
        var stageName = stage.OptionalString("StageName") is { Length: > 0 } text
            ? text
            : throw stage.Unsupported("StageName", "is required: the stage needs a StageName.");
        List<MethodThrottleSetting> settings = [.. stage.ObjectList("MethodSettings").Select(MethodThrottleSetting.FromTemplate)];
        if (Duplicate(settings) is { } duplicate)
        {
            throw stage.Unsupported("MethodSettings", $"(Stage '{stageName}'): more than one MethodSetting for {duplicate.ResourcePath} {duplicate.HttpMethod}.");
        }

        return new StageThrottle(stageName, settings, timeProvider, accountBucket);
    }

    private static (string ResourcePath, string HttpMethod)? Duplicate(IEnumerable<MethodThrottleSetting> settings) =>
        settings.GroupBy(s => (s.ResourcePath, s.HttpMethod)).FirstOrDefault(g => g.Count() > 1)?.Key;

    /// <summary>
    /// The limits of one method, or null when it is not throttled. Each limit comes from the most specific setting
    /// that sets it: own path and verb, own path and <c>*</c>, <c>/*</c> and verb, then <c>/*</c> and <c>*</c>.
    /// </summary>
    public ThrottleLimits? LimitsFor(string resourcePath, string httpMethod)
    {
        ArgumentNullException.ThrowIfNull(resourcePath);
        ArgumentNullException.ThrowIfNull(httpMethod);
        var method = httpMethod.ToUpperInvariant();
        var candidates = new[]
        {
            (resourcePath, method),
            (resourcePath, MethodThrottleSetting.AnyMethod),
            (MethodThrottleSetting.AnyResource, method),
            (MethodThrottleSetting.AnyResource, MethodThrottleSetting.AnyMethod),
        };

        double? rate = null;
        int? burst = null;
        foreach (var (path, verb) in candidates)
        {
            var setting = Settings.FirstOrDefault(s =>
                string.Equals(s.ResourcePath, path, StringComparison.Ordinal) && string.Equals(s.HttpMethod, verb, StringComparison.Ordinal));
            rate ??= setting?.RateLimit;
            burst ??= setting?.BurstLimit;
        }

        // Unset, or -1 ("no limit"), on either side leaves the method unthrottled at the stage level.
        return rate is >= 0 && burst is >= 0 ? new ThrottleLimits(rate.Value, burst.Value) : null;
    }

    /// <summary>
    /// Takes a token for a request to a method, or says it is throttled (the THROTTLED gateway response).
    /// <paramref name="resourcePath"/> is the matched API resource (<c>/lambda1</c>, <c>/pets/{id}</c>), not the raw
    /// request path, so there is one bucket per method of the API.
    /// </summary>
    public bool TryAcquire(string resourcePath, string httpMethod)
    {
        ArgumentNullException.ThrowIfNull(resourcePath);
        ArgumentNullException.ThrowIfNull(httpMethod);
        var method = httpMethod.ToUpperInvariant();
        var bucket = _buckets.GetOrAdd((resourcePath, method), key => LimitsFor(key.Path, key.Method)?.CreateBucket(_timeProvider));
        var allowed = (bucket?.TryTake() ?? true) && (_accountBucket?.TryTake() ?? true);

        var result = allowed ? "allowed" : "throttled";
        Activity.Current?.SetTag("securelambda.throttle.result", result);
        Decisions.Add(1, new("stage", StageName), new("method", $"{method} {resourcePath}"), new("result", result));
        return allowed;
    }

    /// <summary>
    /// Gives back the tokens <see cref="TryAcquire"/> took for a request that a client's usage plan then refused: AWS
    /// applies a usage plan's limits before the stage's (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html),
    /// so a request its plan refuses never counts against the stage, and a noisy client cannot starve the others of it.
    /// </summary>
    public void Refund(string resourcePath, string httpMethod)
    {
        ArgumentNullException.ThrowIfNull(resourcePath);
        ArgumentNullException.ThrowIfNull(httpMethod);
        if (_buckets.TryGetValue((resourcePath, httpMethod.ToUpperInvariant()), out var bucket))
        {
            bucket?.Return();
        }

        _accountBucket?.Return();
    }
}
