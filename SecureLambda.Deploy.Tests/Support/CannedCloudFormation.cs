using System.Net;
using System.Text;

namespace SecureLambda.Deploy.Tests.Support;

/// <summary>
/// An HTTP handler that answers Query-protocol calls by their <c>Action</c> from a script, and records the forms it was
/// sent: canned AWS replies, for behaviour moto cannot show. Actions the script does not answer (null) go on to the
/// inner handler when there is one (moto, for STS and the rest), else fail the test.
/// </summary>
public sealed class CannedAws(Func<string, int, string?> reply) : DelegatingHandler
{
    private readonly List<(string Action, string Form)> _calls = [];

    public IReadOnlyList<(string Action, string Form)> Calls => _calls;

    public static string Response(string action, string result) =>
        $"""<{action}Response xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>""";

    public static string Error(string code, string message) =>
        $"""<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>r</RequestId></ErrorResponse>""";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var form = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var action = form.Split('&').Select(field => field.Split('=')).FirstOrDefault(pair => pair[0] == "Action")?[1] ?? "";
        _calls.Add((action, Uri.UnescapeDataString(form.Replace('+', ' '))));
        var body = reply(action, _calls.Count(call => call.Action == action) - 1);
        if (body is null)
        {
            return InnerHandler is not null
                ? await base.SendAsync(request, cancellationToken)
                : throw new InvalidOperationException($"The script has no reply for {action}.");
        }

        var status = body.StartsWith("<ErrorResponse", StringComparison.Ordinal) ? HttpStatusCode.BadRequest : HttpStatusCode.OK;
        return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "text/xml") };
    }
}
