using System.Diagnostics;
using System.Net;
using SecureLambda.Aws.Signing;
using SecureLambda.Aws.Tracing;

namespace SecureLambda.Aws.Core;

/// <summary>One operation call on the wire: the serialized body and the headers that pick the operation.</summary>
internal sealed record AwsOperationRequest(string Operation, byte[] Body, string ContentType, string? Target = null)
{
    /// <summary>Whether the call may be sent again after it may have reached the service.</summary>
    public bool IsIdempotent { get; init; } = AwsOperationIdempotency.IsIdempotent(Operation);

    /// <summary>
    /// An operation that AWS serves without SigV4 (its model says <c>authtype: none</c>, as Cognito's
    /// <c>InitiateAuth</c>): sent unsigned, as botocore sends it, and no credentials are asked for.
    /// </summary>
    public bool IsUnsigned { get; init; }

    /// <summary>The HTTP method: POST for the JSON and Query protocols, the operation's own for REST-JSON.</summary>
    public HttpMethod Method { get; init; } = HttpMethod.Post;

    /// <summary>The path and query under the endpoint, already percent-encoded: <c>/</c> but for REST-JSON operations.</summary>
    public string PathAndQuery { get; init; } = "/";
}

/// <summary>A successful reply, read in full.</summary>
internal sealed record AwsOperationResponse(HttpStatusCode StatusCode, byte[] Body, string? RequestId);

/// <summary>
/// The request pipeline every client shares: per attempt it builds a fresh request, signs it at the current time, sends
/// it and maps an error reply to <see cref="AwsServiceException"/>; it retries what <see cref="AwsRetryPolicy.MayRetry"/>
/// allows for the operation and traces the whole call as one client span. This is the only retry layer on the call path:
/// no HttpClient resilience handler sits under it, so one call is at most <see cref="AwsRetryPolicy.MaxAttempts"/> sends.
/// </summary>
internal sealed class AwsHttpInvoker
{
    private const string RequestIdHeader = "x-amzn-RequestId";

    private readonly HttpClient _http;
    private readonly AwsClientContext _context;
    private readonly AwsServiceDescriptor _service;
    private readonly AwsProtocol _protocol;

    public AwsHttpInvoker(HttpClient http, AwsClientContext context, AwsServiceDescriptor service, AwsProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(context);
        _http = http;
        _context = context;
        _service = service;
        _protocol = protocol;
        Endpoint = context.Endpoints.Resolve(service, context.Region);
    }

    public Uri Endpoint { get; }

    public async Task<AwsOperationResponse> SendAsync(AwsOperationRequest request, CancellationToken cancellationToken)
    {
        // Attribute names follow the OpenTelemetry semantic conventions for AWS SDK client spans
        // (https://opentelemetry.io/docs/specs/semconv/cloud-providers/aws-sdk/). Bodies and secrets never go in.
        using var activity = AwsDiagnostics.ActivitySource.StartActivity(
            $"{_service.ClientName}.{request.Operation}", ActivityKind.Client);
        activity?.SetTag("rpc.system", "aws-api");
        activity?.SetTag("rpc.service", _service.ClientName);
        activity?.SetTag("rpc.method", request.Operation);
        activity?.SetTag("cloud.region", _context.Region);
        activity?.SetTag("server.address", Endpoint.Host);
        activity?.SetTag("server.port", Endpoint.Port);
        try
        {
            return await SendWithRetriesAsync(request, activity, cancellationToken);
        }
        catch (Exception exception)
        {
            var errorType = exception is AwsServiceException serviceError ? serviceError.ErrorCode : exception.GetType().FullName;
            activity?.SetTag("error.type", errorType);
            activity?.SetStatus(ActivityStatusCode.Error, errorType);
            throw;
        }
    }

    private async Task<AwsOperationResponse> SendWithRetriesAsync(
        AwsOperationRequest request,
        Activity? activity,
        CancellationToken cancellationToken)
    {
        var policy = _context.RetryPolicy;
        for (var attempt = 1; ; attempt++)
        {
            if (attempt > 1)
            {
                activity?.SetTag("http.request.resend_count", attempt - 1);
            }

            try
            {
                return await SendOnceAsync(request, activity, cancellationToken);
            }
            catch (Exception exception) when (attempt < policy.MaxAttempts
                && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
                && AwsRetryPolicy.MayRetry(exception, request.IsIdempotent))
            {
            }

            await Task.Delay(policy.BackoffDelay(attempt - 1), _context.TimeProvider, cancellationToken);
        }
    }

    private async Task<AwsOperationResponse> SendOnceAsync(
        AwsOperationRequest request,
        Activity? activity,
        CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Method, request.PathAndQuery == "/" ? Endpoint : new Uri(Endpoint, request.PathAndQuery));
        if (request.Method != HttpMethod.Get)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }

        if (request.Target is not null)
        {
            message.Headers.TryAddWithoutValidation("X-Amz-Target", request.Target);
        }

        if (!request.IsUnsigned)
        {
            var credentials = await _context.Credentials.GetCredentialsAsync(cancellationToken);
            SigV4Signer.Sign(message, request.Body, credentials, _context.Region, _service.SigningName, _context.TimeProvider.GetUtcNow());
        }

        // Unsigned, as botocore leaves it: X-Ray may rewrite it on the way.
        if (_context.TraceHeader() is { } traceHeader)
        {
            message.Headers.TryAddWithoutValidation(LambdaTraceHeader.HeaderName, traceHeader);
        }

        // W3C trace context from this call's own span, unsigned too, so that a server that traces (LocalCloud's AWS
        // endpoint) hangs its spans under it; an HttpClient that makes and sends a span of its own replaces it.
        if (activity is not null)
        {
            DistributedContextPropagator.Current.Inject(activity, message, static (carrier, name, value) =>
            {
                var headers = ((HttpRequestMessage)carrier!).Headers;
                headers.Remove(name);
                headers.TryAddWithoutValidation(name, value);
            });
        }

        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var requestId = response.Headers.NonValidated.TryGetValues(RequestIdHeader, out var values) ? values.FirstOrDefault() : null;
        activity?.SetTag("http.response.status_code", (int)response.StatusCode);
        activity?.SetTag("aws.request_id", requestId);

        if (!response.IsSuccessStatusCode)
        {
            var error = AwsErrorParser.Parse(_protocol, _service, response.StatusCode, response.Headers, body);
            activity?.SetTag("aws.request_id", error.RequestId);
            throw error;
        }

        return new AwsOperationResponse(response.StatusCode, body, requestId);
    }
}
