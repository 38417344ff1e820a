using System.Diagnostics;
using System.Net;
using SecureLambda.Aws.Core;
using Yarp.ReverseProxy.Forwarder;

namespace SecureLambda.LocalCloud.AwsEndpoint;

/// <summary>
/// Hands a request to the engine (moto, or LocalStack) as it came: method, path, query, headers (<c>Host</c> too, so
/// that the URLs the engine writes, such as a queue's, name the AWS endpoint) and body, streamed both ways by YARP's
/// forwarder. The engine of a service is where LocalCloud's own clients go: <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>,
/// else <c>AWS_ENDPOINT_URL</c>.
/// </summary>
public sealed class EngineForwarder : IDisposable
{
    private static readonly AwsServiceDescriptor[] KnownServices =
    [
        AwsServiceDescriptor.SecretsManager, AwsServiceDescriptor.Sns, AwsServiceDescriptor.CognitoIdentityProvider,
        AwsServiceDescriptor.Sqs, AwsServiceDescriptor.Sts, AwsServiceDescriptor.S3, AwsServiceDescriptor.CloudFormation,
    ];

    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _invoker;
    private readonly Func<string, string?> _configuration;

    public EngineForwarder(IHttpForwarder forwarder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(forwarder);
        ArgumentNullException.ThrowIfNull(configuration);
        _forwarder = forwarder;
        _configuration = name => configuration[name];
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            // The engine call is a child span of the request's, with its own traceparent.
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
        });
    }

    /// <summary>The engine's base URL for a service (its SigV4 signing name), or null when none is configured.</summary>
    public Uri? EngineFor(string service)
    {
        var descriptor = KnownServices.FirstOrDefault(known => known.SigningName == service);
        foreach (var name in descriptor is null ? [AwsEndpointResolver.GlobalEndpointVariable] : (string[])[descriptor.EndpointVariable, AwsEndpointResolver.GlobalEndpointVariable])
        {
            if (_configuration(name) is { Length: > 0 } value && Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url))
            {
                return url;
            }
        }

        return null;
    }

    /// <summary>Forwards the request; the error, if the engine could not be reached or broke off, before anything was answered.</summary>
    public async Task<ForwarderError> ForwardAsync(HttpContext context, Uri engine)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(engine);
        return await _forwarder.SendAsync(
            context,
            engine.GetLeftPart(UriPartial.Authority),
            _invoker,
            new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(100) },
            OriginalHostTransformer.Instance);
    }

    public void Dispose() => _invoker.Dispose();

    /// <summary>Everything copied as it came, the client's <c>Host</c> included; no <c>X-Forwarded-*</c> is added.</summary>
    private sealed class OriginalHostTransformer : HttpTransformer
    {
        public static readonly OriginalHostTransformer Instance = new();

        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.Headers.Host = httpContext.Request.Host.Value;
        }
    }
}
