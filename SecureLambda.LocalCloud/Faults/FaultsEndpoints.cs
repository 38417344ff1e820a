using System.Net.Http.Headers;
using System.Text.Json.Serialization;
using SecureLambda.LocalCloud.Hosting;

namespace SecureLambda.LocalCloud.Faults;

/// <summary>
/// The fault rules' API on the AWS endpoint, as LocalStack's Chaos API: <c>GET /_localcloud/faults</c> lists the rules,
/// <c>PUT</c> replaces them, <c>POST</c> appends to them (what the dashboard's commands do, so that two commands add up)
/// and <c>DELETE</c> clears them. A change must be sent as <c>Content-Type: application/json</c>, which a web page
/// cannot send, nor a <c>DELETE</c>, without a CORS preflight that LocalCloud never grants: no page a developer visits
/// can break their stack. A refused rule set leaves the current rules as they were.
/// </summary>
public static class FaultsEndpoints
{
    public const string Path = "/_localcloud/faults";

    /// <summary>The largest rule set accepted: a hundred rules fit many times over.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapFaultsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, (HttpContext context, FaultRules rules) => WriteRulesAsync(context, rules.Current));
        endpoints.MapPut(Path, (HttpContext context, FaultRules rules) => ChangeAsync(context, rules, replace: true));
        endpoints.MapPost(Path, (HttpContext context, FaultRules rules) => ChangeAsync(context, rules, replace: false));
        endpoints.MapDelete(Path, (FaultRules rules) =>
        {
            rules.Clear();
            return Results.NoContent();
        });
        return endpoints;
    }

    /// <summary>Whether the request says it sends JSON: <c>application/json</c>, with or without a charset.</summary>
    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && string.Equals(media.MediaType, "application/json", StringComparison.OrdinalIgnoreCase);

    private static async Task ChangeAsync(HttpContext context, FaultRules rules, bool replace)
    {
        if (!IsJson(context.Request.ContentType))
        {
            await WriteErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, "UnsupportedMediaTypeException",
                "Send the rules as a JSON array with Content-Type: application/json.");
            return;
        }

        if (await RequestBodies.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted) is not { } body)
        {
            await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, "ValidationException", $"The rules must be at most {MaxBodyBytes} bytes.");
            return;
        }

        var parsed = FaultRuleParser.Parse(body);
        if (parsed.Rules is not { } given)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "ValidationException", parsed.Error!);
            return;
        }

        var current = replace ? rules.Replace(given) : rules.TryAppend(given);
        if (current is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "ValidationException",
                $"There are {rules.Current.Count} rules; {given.Count} more would make more than {FaultRuleParser.MaxRules}.");
            return;
        }

        await WriteRulesAsync(context, current);
    }

    private static Task WriteRulesAsync(HttpContext context, IReadOnlyList<FaultRule> rules) =>
        context.Response.WriteAsJsonAsync(rules, FaultsJsonContext.Default.IReadOnlyListFaultRule, contentType: null, context.RequestAborted);

    private static Task WriteErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new FaultsApiError(type, message), FaultsJsonContext.Default.FaultsApiError, contentType: null, context.RequestAborted);
    }
}

/// <summary>A refusal, in the shape of AWS's JSON errors.</summary>
public sealed record FaultsApiError(
    [property: JsonPropertyName("__type")] string Type,
    [property: JsonPropertyName("message")] string Message);

[JsonSerializable(typeof(IReadOnlyList<FaultRule>))]
[JsonSerializable(typeof(FaultsApiError))]
internal sealed partial class FaultsJsonContext : JsonSerializerContext;
