namespace SecureLambda.Aws.Core;

/// <summary>
/// Picks the endpoint the way the AWS SDKs do, so pointing the same binary at moto or LocalStack takes only environment
/// variables (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
/// </summary>
public sealed class AwsEndpointResolver(Func<string, string?> getEnvironmentVariable)
{
    public const string GlobalEndpointVariable = "AWS_ENDPOINT_URL";
    public const string IgnoreConfiguredEndpointsVariable = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";

    public AwsEndpointResolver()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    /// <summary>
    /// <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>, then <c>AWS_ENDPOINT_URL</c>, then the regional AWS endpoint; both variables
    /// are ignored when <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS</c> is <c>true</c>.
    /// </summary>
    public Uri Resolve(AwsServiceDescriptor service, string region)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);

        if (!string.Equals(getEnvironmentVariable(IgnoreConfiguredEndpointsVariable)?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var name in (string[])[service.EndpointVariable, GlobalEndpointVariable])
            {
                var value = getEnvironmentVariable(name);
                if (!string.IsNullOrWhiteSpace(value))
                {
                    return Parse(name, value.Trim());
                }
            }
        }

        return RegionalEndpoint(service, region);
    }

    /// <summary><c>https://{prefix}.{region}.amazonaws.com</c>; the China partition uses <c>amazonaws.com.cn</c>.</summary>
    public static Uri RegionalEndpoint(AwsServiceDescriptor service, string region)
    {
        ArgumentNullException.ThrowIfNull(service);
        var dnsSuffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://{service.EndpointPrefix}.{region}.{dnsSuffix}/");
    }

    private static Uri Parse(string variable, string value)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        throw new InvalidOperationException($"{variable} must be an absolute http or https URL, but it is '{value}'.");
    }
}
