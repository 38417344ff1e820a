using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using SecureLambda.Aws.Lambda;

namespace SecureLambda.Functions.Runtime;

/// <summary>
/// The four calls of the Lambda Runtime API (2018-06-01) that a custom runtime makes.
/// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
/// </summary>
public sealed class LambdaRuntimeApiClient(HttpClient http, Uri baseAddress)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public Uri BaseAddress { get; } = baseAddress;

    /// <summary>Long-polls for the next event; the HttpClient must not time out on its own.</summary>
    public async Task<LambdaInvocation> GetNextInvocationAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(BaseAddress, RuntimeApi.NextInvocation), HttpCompletionOption.ResponseContentRead, cancellationToken);
        response.EnsureSuccessStatusCode();

        var requestId = SingleHeader(response, RuntimeApi.Headers.RequestId)
            ?? throw new InvalidOperationException($"The Runtime API answered /invocation/next without {RuntimeApi.Headers.RequestId}.");
        var deadlineMs = SingleHeader(response, RuntimeApi.Headers.DeadlineMs);
        if (!long.TryParse(deadlineMs, NumberStyles.None, CultureInfo.InvariantCulture, out var deadline))
        {
            throw new InvalidOperationException($"The Runtime API answered /invocation/next with {RuntimeApi.Headers.DeadlineMs} '{deadlineMs}', not epoch milliseconds.");
        }

        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new LambdaInvocation(
            requestId,
            DateTimeOffset.FromUnixTimeMilliseconds(deadline),
            SingleHeader(response, RuntimeApi.Headers.InvokedFunctionArn),
            SingleHeader(response, RuntimeApi.Headers.TraceId),
            payload);
    }

    public async Task PostResponseAsync(string requestId, byte[] response, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(response);
        content.Headers.ContentType = Json;
        await PostAsync(RuntimeApi.InvocationResponse(requestId), content, errorType: null, cancellationToken);
    }

    public Task PostInvocationErrorAsync(string requestId, RuntimeApiError error, CancellationToken cancellationToken) =>
        PostErrorAsync(RuntimeApi.InvocationError(requestId), error, cancellationToken);

    public Task PostInitErrorAsync(RuntimeApiError error, CancellationToken cancellationToken) =>
        PostErrorAsync(RuntimeApi.InitError, error, cancellationToken);

    private async Task PostErrorAsync(string path, RuntimeApiError error, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(error, RuntimeApiJsonContext.Default.RuntimeApiError));
        content.Headers.ContentType = Json;
        await PostAsync(path, content, error.ErrorType, cancellationToken);
    }

    private async Task PostAsync(string path, HttpContent content, string? errorType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseAddress, path)) { Content = content };
        if (errorType is not null)
        {
            request.Headers.TryAddWithoutValidation(RuntimeApi.Headers.FunctionErrorType, errorType);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException(
                $"The Runtime API refused POST {path}: {(int)response.StatusCode} {body}", inner: null, response.StatusCode);
        }
    }

    private static string? SingleHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
