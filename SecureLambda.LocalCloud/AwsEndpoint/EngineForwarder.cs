using System.Diagnostics;
using System.Net;
using System.Text.Json;
using SecureLambda.Aws.Core;
using SecureLambda.LocalCloud.Cognito;
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

    /// <summary>
    /// Forwards the request; the error, if the engine could not be reached or broke off, before anything was answered.
    /// <paramref name="rewrite"/>, given the engine's answer (a 200 or a 4xx, read whole: the answers it is asked for
    /// are small), may act on it before the client has it, and answer in its place, as AWS would.
    /// </summary>
    public async Task<ForwarderError> ForwardAsync(HttpContext context, Uri engine, Func<EngineAnswer, ValueTask<EngineAnswer?>>? rewrite = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(engine);
        if (rewrite is not null)
        {
            context.Items[typeof(EngineAnswer)] = rewrite;
        }

        return await _forwarder.SendAsync(
            context,
            engine.GetLeftPart(UriPartial.Authority),
            _invoker,
            new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(100) },
            OriginalHostTransformer.Instance);
    }

    public void Dispose() => _invoker.Dispose();

    /// <summary>
    /// Everything copied as it came, the client's <c>Host</c> included; no <c>X-Forwarded-*</c> is added. An engine
    /// answer the request's rewrite gives differently (<see cref="ForwardAsync"/>) is replaced, status, type and body.
    /// </summary>
    private sealed class OriginalHostTransformer : HttpTransformer
    {
        public static readonly OriginalHostTransformer Instance = new();

        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.Headers.Host = httpContext.Request.Host.Value;
        }

        public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
        {
            if (proxyResponse is not { StatusCode: HttpStatusCode.OK or (>= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError) }
                || httpContext.Items[typeof(EngineAnswer)] is not Func<EngineAnswer, ValueTask<EngineAnswer?>> rewrite)
            {
                var copyBody = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
                RemoveEngineHeaders(httpContext.Response);
                return copyBody;
            }

            // Read whole, then either replaced or passed on as it was.
            var body = await proxyResponse.Content.ReadAsByteArrayAsync(cancellationToken);
            await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
            var response = httpContext.Response;
            RemoveEngineHeaders(response);
            var status = (int)proxyResponse.StatusCode;
            if (await rewrite(new EngineAnswer(status, status == 200 ? null : ErrorTypeOf(proxyResponse, body), body)) is { } answer)
            {
                response.StatusCode = answer.StatusCode;
                response.Headers.Remove("x-amzn-ErrorType");
                if (answer.ErrorType is { } errorType)
                {
                    response.Headers["x-amzn-ErrorType"] = errorType;
                }

                response.ContentLength = answer.Body.Length;
                body = answer.Body;
            }

            await response.Body.WriteAsync(body, cancellationToken);
            return false;
        }

        /// <summary>The engine's own headers are no AWS service's: one of moto's carries a password-reset code.</summary>
        private static void RemoveEngineHeaders(HttpResponse response)
        {
            foreach (var name in response.Headers.Keys.Where(CognitoGuard.IsEngineHeader).ToList())
            {
                response.Headers.Remove(name);
            }
        }

        /// <summary>The JSON protocols' error type: <c>x-amzn-ErrorType</c> (before any <c>:</c>), else the body's <c>__type</c>.</summary>
        private static string ErrorTypeOf(HttpResponseMessage response, byte[] body)
        {
            if (response.Headers.TryGetValues("x-amzn-ErrorType", out var values) && values.FirstOrDefault() is { Length: > 0 } header)
            {
                return header.Split(':')[0];
            }

            try
            {
                using var document = JsonDocument.Parse(body);
                return document.RootElement.TryGetProperty("__type", out var type) && type.GetString() is { } name ? name[(name.LastIndexOf('#') + 1)..] : string.Empty;
            }
            catch (JsonException)
            {
                return string.Empty;
            }
        }
    }
}
