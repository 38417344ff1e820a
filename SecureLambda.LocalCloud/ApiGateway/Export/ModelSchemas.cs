using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace SecureLambda.LocalCloud.ApiGateway.Export;

/// <summary>
/// A model's JSON schema (draft 4, API Gateway's dialect) as an OpenAPI schema: without <c>$schema</c>, with a model
/// reference (<c>https://apigateway.amazonaws.com/restapis/{id}/models/{name}</c>) pointing at the component of that
/// name, as the export writes it
/// (https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings-models.html). A YAML template hands
/// every scalar over as a string, so each keyword is given back its JSON type first.
/// </summary>
internal static class ModelSchemas
{
    private static readonly HashSet<string> IntegerKeywords = new(StringComparer.Ordinal)
    {
        "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
    };

    private static readonly HashSet<string> NumberKeywords = new(StringComparer.Ordinal) { "minimum", "maximum", "multipleOf" };

    private static readonly HashSet<string> BooleanKeywords = new(StringComparer.Ordinal)
    {
        "exclusiveMinimum", "exclusiveMaximum", "uniqueItems", "nullable", "readOnly",
    };

    private static readonly HashSet<string> SchemaKeywords = new(StringComparer.Ordinal) { "items", "additionalProperties", "not" };

    private static readonly HashSet<string> SchemaListKeywords = new(StringComparer.Ordinal) { "allOf", "anyOf", "oneOf" };

    private static readonly HashSet<string> SchemaMapKeywords = new(StringComparer.Ordinal) { "properties", "definitions", "patternProperties" };

    public static OpenApiSchema Read(JsonNode schema, OpenApiDocument document, string modelName)
    {
        var normalized = Normalize(schema.DeepClone(), isSchema: true);
        if (normalized is JsonObject root)
        {
            root.Remove("$schema");
        }

        var fragment = ReadFragment(normalized, document);
        return fragment
            ?? throw new InvalidOperationException($"The schema of model {modelName} is not a JSON schema object.");
    }

    private static OpenApiSchema? ReadFragment(JsonNode? node, OpenApiDocument document) =>
        new OpenApiJsonReader().ReadFragment<OpenApiSchema>(node!, OpenApiSpecVersion.OpenApi3_0, document, out _);

    private static JsonNode? Normalize(JsonNode? node, bool isSchema)
    {
        if (!isSchema || node is not JsonObject obj)
        {
            return node;
        }

        foreach (var (keyword, value) in obj.ToList())
        {
            obj[keyword] = keyword switch
            {
                _ when IntegerKeywords.Contains(keyword) && Text(value) is { } text
                    && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
                _ when NumberKeywords.Contains(keyword) && Text(value) is { } text
                    && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
                _ when (BooleanKeywords.Contains(keyword) || keyword == "additionalProperties") && Text(value) is { } text
                    && bool.TryParse(text, out var flag) => JsonValue.Create(flag),
                "$ref" when Text(value) is { } reference => JsonValue.Create(ComponentReference(reference)),
                _ when SchemaKeywords.Contains(keyword) => value is JsonArray tuple
                    ? new JsonArray([.. tuple.Select(item => Normalize(item?.DeepClone(), isSchema: true))])
                    : Normalize(value?.DeepClone(), isSchema: true),
                _ when SchemaListKeywords.Contains(keyword) && value is JsonArray list =>
                    new JsonArray([.. list.Select(item => Normalize(item?.DeepClone(), isSchema: true))]),
                _ when SchemaMapKeywords.Contains(keyword) && value is JsonObject map =>
                    new JsonObject(map.Select(entry => KeyValuePair.Create(entry.Key, Normalize(entry.Value?.DeepClone(), isSchema: true)))),
                _ => value?.DeepClone(),
            };
        }

        return obj;
    }

    /// <summary>A model reference by its API Gateway URL becomes a reference to the component schema of that model.</summary>
    private static string ComponentReference(string reference)
    {
        const string marker = "/models/";
        var at = reference.LastIndexOf(marker, StringComparison.Ordinal);
        return reference.StartsWith("https://apigateway.amazonaws.com/restapis/", StringComparison.Ordinal) && at >= 0
            ? "#/components/schemas/" + reference[(at + marker.Length)..]
            : reference;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
