using System.Globalization;
using System.Net;
using System.Text.Json;

namespace SecureLambda.Aws.LocalCloud;

/// <summary>
/// LocalCloud's management API, beside the AWS APIs it serves: <c>GET /_localcloud/stack</c>. Unsigned, like the
/// outputs it includes: it holds no secret, and LocalCloud listens on loopback only.
/// </summary>
public sealed class LocalCloudClient(HttpClient http, Uri baseAddress)
{
    public const string StackPath = "/_localcloud/stack";

    /// <summary>The docs page of the stack's API, on LocalCloud's API host; "try it" calls the local stage.</summary>
    public const string ApiDocsPath = "/_localcloud/docs";

    /// <summary>
    /// The stack as LocalCloud sees it now. While it provisions, <see cref="EmulatedStack.StackStatus"/> is
    /// <see cref="EmulatedStack.InProgress"/>; a failed provisioning is <see cref="EmulatedStack.Failed"/> with its reason.
    /// </summary>
    /// <exception cref="HttpRequestException">LocalCloud does not answer, or answers with anything but the document.</exception>
    public async Task<EmulatedStack> GetStackAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(baseAddress, StackPath), cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException(string.Create(CultureInfo.InvariantCulture,
                $"GET {StackPath}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}"), null, response.StatusCode);
        }

        try
        {
            return JsonSerializer.Deserialize(body, LocalCloudJsonContext.Default.EmulatedStack)
                ?? throw new HttpRequestException($"GET {StackPath} answered with JSON null.");
        }
        catch (JsonException exception)
        {
            throw new HttpRequestException($"GET {StackPath} answered with a body that is not its document.", exception);
        }
    }
}
