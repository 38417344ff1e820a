using System.Text.Json;
using System.Text.Json.Nodes;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.ApiGateway.Export;

/// <summary>
/// One <c>AWS::ApiGateway::DocumentationPart</c>: where it applies (<c>Location</c>) and its content (<c>Properties</c>,
/// a JSON object in a string).
/// https://docs.aws.amazon.com/apigateway/latest/api/API_DocumentationPartLocation.html
/// </summary>
internal sealed record DocumentationPart(string Type, string? Path, string? Method, string? Name, string? StatusCode, JsonObject Content)
{
    public string? Description => Content["description"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

/// <summary>
/// The documentation parts of an API, looked up as API Gateway applies them: API, AUTHORIZER, METHOD, MODEL, RESOURCE and
/// REQUEST_BODY parts apply to their entity alone; the other types are inherited by every entity whose path starts with
/// the part's path and whose method and status code equal the part's (or the part says <c>*</c>, the default), the most
/// specific part winning.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-documenting-api-content-representation.html
/// </summary>
internal sealed class DocumentationParts(IReadOnlyList<DocumentationPart> parts)
{
    public static DocumentationParts None { get; } = new([]);

    public static DocumentationParts Of(ProvisionedStack stack, string restApiId)
    {
        var parts = new List<DocumentationPart>();
        foreach (var resource in stack.OfType("AWS::ApiGateway::DocumentationPart").Where(part => part.GetString("RestApiId") == restApiId))
        {
            var location = resource.TypedProperties.OptionalObject("Location");
            var text = resource.GetString("Properties") ?? "{}";
            JsonObject content;
            try
            {
                content = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not an object");
            }
            catch (JsonException exception)
            {
                throw new InvalidOperationException($"Documentation part {resource.LogicalId}: its Properties are not a JSON object ({exception.Message}).", exception);
            }

            parts.Add(new DocumentationPart(
                location?.OptionalString("Type") ?? "API",
                location?.OptionalString("Path"),
                location?.OptionalString("Method"),
                location?.OptionalString("Name"),
                location?.OptionalString("StatusCode"),
                content));
        }

        return new DocumentationParts(parts);
    }

    public DocumentationPart? Api => parts.FirstOrDefault(part => part.Type == "API");

    public DocumentationPart? Named(string type, string name) =>
        parts.FirstOrDefault(part => part.Type == type && string.Equals(part.Name, name, StringComparison.Ordinal));

    /// <summary>The part of the entity at <paramref name="path"/> (and <paramref name="method"/>, for a method's entities; a RESOURCE has none).</summary>
    public DocumentationPart? Exact(string type, string path, string? method = null) =>
        parts.FirstOrDefault(part => part.Type == type && (part.Path ?? "/") == path && (method is null || Matches(part.Method, method) is 2));

    /// <summary>The most specific inherited part of <paramref name="type"/> for the entity at path, method, name and status code.</summary>
    public DocumentationPart? Inherited(string type, string path, string method, string? name = null, string? statusCode = null)
    {
        DocumentationPart? best = null;
        var bestScore = -1;
        foreach (var part in parts.Where(part => part.Type == type))
        {
            if (name is not null && !string.Equals(part.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var partPath = part.Path ?? "/";
            var methodScore = Matches(part.Method, method);
            var statusScore = Matches(part.StatusCode, statusCode ?? "*");
            if (!IsPathPrefix(partPath, path) || methodScore < 0 || statusScore < 0)
            {
                continue;
            }

            // A longer path is more specific than an exact method, which is more specific than an exact status code.
            var score = (partPath.Length * 4) + (methodScore * 2) + statusScore;
            if (score > bestScore)
            {
                (best, bestScore) = (part, score);
            }
        }

        return best;
    }

    /// <summary>-1: no match; 1: the part says <c>*</c> (or nothing); 2: equal.</summary>
    private static int Matches(string? partValue, string value) =>
        partValue is null or "*" ? 1 : string.Equals(partValue, value, StringComparison.OrdinalIgnoreCase) ? 2 : -1;

    private static bool IsPathPrefix(string prefix, string path) =>
        prefix == "/" || path == prefix || path.StartsWith(prefix.TrimEnd('/') + "/", StringComparison.Ordinal);
}
