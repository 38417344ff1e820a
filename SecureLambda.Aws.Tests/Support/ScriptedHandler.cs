using System.Net;
using System.Text;

namespace SecureLambda.Aws.Tests.Support;

/// <summary>What the client put on the wire for one attempt, copied before the request is disposed.</summary>
public sealed record RecordedRequest(
    HttpMethod Method,
    Uri? Uri,
    string? Authorization,
    string? AmzDate,
    string? SecurityToken,
    string? Target,
    string? ContentType,
    string Body,
    string? TraceHeader = null,
    string? TraceParent = null);

/// <summary>An HTTP handler that answers each attempt from a script and records what it was sent.</summary>
public sealed class ScriptedHandler(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] steps)
    : HttpMessageHandler
{
    private readonly List<RecordedRequest> _requests = [];

    public IReadOnlyList<RecordedRequest> Requests => _requests;

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Reply(
        HttpStatusCode status,
        string body = "",
        params (string Name, string Value)[] headers) =>
        (_, _) =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8) };
            foreach (var (name, value) in headers)
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }

            return Task.FromResult(response);
        };

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Throw(Exception exception) =>
        (_, _) => Task.FromException<HttpResponseMessage>(exception);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        _requests.Add(new RecordedRequest(
            request.Method,
            request.RequestUri,
            Header(request, "Authorization"),
            Header(request, "X-Amz-Date"),
            Header(request, "X-Amz-Security-Token"),
            Header(request, "X-Amz-Target"),
            request.Content?.Headers.NonValidated.TryGetValues("Content-Type", out var type) == true ? type.ToString() : null,
            body,
            Header(request, "X-Amzn-Trace-Id"),
            Header(request, "traceparent")));
        var step = steps[Math.Min(_requests.Count - 1, steps.Length - 1)];
        return await step(request, cancellationToken);
    }

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;
}
