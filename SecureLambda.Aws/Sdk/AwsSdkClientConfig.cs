using Amazon;
using Amazon.Runtime;
using SecureLambda.Aws.Core;

namespace SecureLambda.Aws.Sdk;

/// <summary>
/// Points an AWSSDK client's configuration where our own clients go: the endpoint resolved from
/// <c>AWS_ENDPOINT_URL[_SERVICE]</c>, the context's region, and AWS standard retry mode with its 3 attempts
/// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html), the SDK's own retry layer and the
/// only one on its call path.
/// </summary>
public static class AwsSdkClientConfig
{
    /// <summary>Configures <paramref name="config"/> and returns the custom endpoint it was given, or null for AWS's regional one.</summary>
    public static Uri? Apply(ClientConfig config, AwsClientContext context, AwsServiceDescriptor service)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(service);

        config.RetryMode = RequestRetryMode.Standard;
        config.MaxErrorRetry = context.RetryPolicy.MaxAttempts - 1;
        var endpoint = context.Endpoints.Resolve(service, context.Region);
        if (endpoint == AwsEndpointResolver.RegionalEndpoint(service, context.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(context.Region);
            return null;
        }

        config.ServiceURL = endpoint.ToString();
        config.AuthenticationRegion = context.Region;
        return endpoint;
    }
}
