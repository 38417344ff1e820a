using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SecureLambda.CloudFormation;

namespace SecureLambda.LocalCloud.ApiGateway.Validation;

/// <summary>
/// The part of JSON Schema draft 4 that API Gateway models use for request body validation, parsed once at startup
/// from an <c>AWS::ApiGateway::Model</c>'s <c>Schema</c>. Keywords that would change validation but are not evaluated
/// here fail <see cref="Parse"/> with <see cref="UnsupportedTemplateException"/>; annotations are ignored.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings-models.html
/// https://datatracker.ietf.org/doc/html/draft-fge-json-schema-validation-00
/// <para>
/// Hand-written because NJsonSchema 11.6.2 (the kept draft-4 library, tried against these tests) breaks rules the tests
/// assert: <c>minLength</c>/<c>maxLength</c> count UTF-16 code units, not characters as draft 4 sections 5.2.1-5.2.2 say
/// (<c>KeywordTests.MinLength_CountsCodePoints</c> and <c>MaxLength_CountsCodePoints</c> with emoji fail); it refuses
/// <c>null</c> for <c>"type": ["string", null]</c> (<c>KeywordTests.TypeAsAnArray</c>); it silently ignores keywords it
/// does not evaluate, such as <c>dependencies</c>, where a model must fail at start-up
/// (<c>SchemaParseTests.RefusesAKeywordItDoesNotEvaluate_NamingIt</c>); and a 30-digit integer checked against
/// <c>maximum</c> throws <c>InvalidCastException</c>, and a body nested deeper than 64 throws from its JSON reader, where
/// bad input must be a 400, never a 5xx (<c>Attacks.GatewayFuzzTests</c>).
/// </para>
/// </summary>
public sealed record JsonSchema
{
    private const string ModelType = "AWS::ApiGateway::Model";

    /// <summary>How long one <c>pattern</c> may run against one string before the body is rejected.</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "$schema", "id", "title", "description", "default", "definitions",
    };

    // Anything else is refused, a typo included: an unknown keyword is never silently ignored. That covers `format`:
    // AWS does not document which formats API Gateway checks, and a third-party report shows it does act on the
    // keyword (an unknown `format: date` failed validation: https://github.com/dod-ccpo/atat-web-api/pull/315).
    private static readonly HashSet<string> Evaluated = new(StringComparer.Ordinal)
    {
        "type", "properties", "required", "additionalProperties", "minProperties", "maxProperties",
        "items", "minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "pattern", "enum",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    };

    private JsonSchema()
    {
    }

    /// <summary>Null when <c>type</c> is absent: any JSON value.</summary>
    public JsonSchemaTypes? Types { get; private init; }

    public IReadOnlyDictionary<string, JsonSchema> Properties { get; private init; } = new Dictionary<string, JsonSchema>();

    public IReadOnlyList<string> Required { get; private init; } = [];

    /// <summary><c>additionalProperties: false</c>.</summary>
    public bool AdditionalPropertiesForbidden { get; private init; }

    /// <summary><c>additionalProperties</c> given as a schema.</summary>
    public JsonSchema? AdditionalProperties { get; private init; }

    public int? MinProperties { get; private init; }

    public int? MaxProperties { get; private init; }

    public JsonSchema? Items { get; private init; }

    public int? MinItems { get; private init; }

    public int? MaxItems { get; private init; }

    public bool UniqueItems { get; private init; }

    /// <summary>In Unicode code points, not UTF-16 units (validation spec, section 5.2.1).</summary>
    public int? MinLength { get; private init; }

    public int? MaxLength { get; private init; }

    /// <summary>ECMA 262, unanchored (validation spec, section 5.2.3).</summary>
    public Regex? Pattern { get; private init; }

    public IReadOnlyList<JsonElement>? EnumValues { get; private init; }

    /// <summary>
    /// True when the schema came as a template object, whose YAML scalars arrive as strings: an <c>enum</c> entry
    /// <c>"1"</c> or <c>"true"</c> then also matches the number 1 or the boolean true. A schema given as JSON text keeps
    /// its types and is compared exactly.
    /// </summary>
    public bool EnumScalarsMayBeStrings { get; private init; }

    public SchemaNumber? Minimum { get; private init; }

    public bool ExclusiveMinimum { get; private init; }

    public SchemaNumber? Maximum { get; private init; }

    public bool ExclusiveMaximum { get; private init; }

    public SchemaNumber? MultipleOf { get; private init; }

    /// <summary>
    /// Parses a model's <c>Schema</c> after intrinsic resolution: a JSON object, or a JSON string holding the schema text
    /// (CloudFormation accepts both). Numeric and boolean keywords are read from numbers/booleans or from their string
    /// form, because the template loader keeps YAML scalars as strings.
    /// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-model.html
    /// </summary>
    /// <exception cref="UnsupportedTemplateException">A keyword that would change validation is not evaluated here, or the schema is malformed.</exception>
    public static JsonSchema Parse(JsonNode schema, string modelLogicalId)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var reader = new Reader(modelLogicalId);
        switch (schema)
        {
            case JsonObject obj:
                return reader.ParseObject(obj, "#", lenient: true);
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                JsonNode? parsed;
                try
                {
                    parsed = JsonNode.Parse(value.GetValue<string>());
                }
                catch (JsonException e)
                {
                    throw reader.Unsupported($"The model schema text is not valid JSON: {e.Message}", e);
                }

                return parsed is JsonObject text
                    ? reader.ParseObject(text, "#", lenient: false)
                    : throw reader.Unsupported("The model schema text must hold a JSON object.");
            default:
                throw reader.Unsupported($"A model schema must be a JSON object or a string holding one, got {schema.GetValueKind()}.");
        }
    }

    /// <summary>Reads one model's schema; anything it cannot evaluate exactly names the model resource.</summary>
    private sealed class Reader(string logicalId)
    {
        public UnsupportedTemplateException Unsupported(string reason, Exception? inner = null) => inner is null
            ? new(logicalId, ModelType, reason)
            : new(logicalId, ModelType, reason, inner);

        public UnsupportedTemplateException UnsupportedKeyword(string keyword, string location) => Unsupported(
            $"JSON Schema keyword '{keyword}' at {location} is not supported by the LocalCloud request validator; "
            + "remove it or extend SecureLambda.LocalCloud.ApiGateway.Validation.");

        public JsonSchema ParseObject(JsonObject obj, string at, bool lenient)
        {
            foreach (var (keyword, _) in obj)
            {
                if (!Annotations.Contains(keyword) && !Evaluated.Contains(keyword))
                {
                    throw UnsupportedKeyword(keyword, at);
                }
            }

            if (obj["items"] is JsonArray)
            {
                throw UnsupportedKeyword("items", $"{at} (tuple form, an array of schemas)");
            }

            var additional = obj["additionalProperties"];
            var exclusiveMinimum = Bool(obj, "exclusiveMinimum", at) ?? false;
            var exclusiveMaximum = Bool(obj, "exclusiveMaximum", at) ?? false;
            var minimum = Number(obj, "minimum", at);
            var maximum = Number(obj, "maximum", at);
            if ((exclusiveMinimum && minimum is null) || (exclusiveMaximum && maximum is null))
            {
                throw Unsupported($"{at}: exclusiveMinimum/exclusiveMaximum need minimum/maximum (draft 4, section 5.1.2-5.1.3).");
            }

            var multipleOf = Number(obj, "multipleOf", at);
            if (multipleOf is { } step && step.Approximate <= 0)
            {
                throw Unsupported($"{at}: multipleOf must be greater than 0, got {step}.");
            }

            return new JsonSchema
            {
                Types = obj.ContainsKey("type") ? ParseTypes(obj["type"], at) : null,
                Properties = obj["properties"] switch
                {
                    null => new Dictionary<string, JsonSchema>(),
                    JsonObject properties => properties.ToDictionary(
                        p => p.Key,
                        p => p.Value is JsonObject child
                            ? ParseObject(child, $"{at}/properties/{p.Key}", lenient)
                            : throw Unsupported($"{at}/properties/{p.Key} must be a schema object."),
                        StringComparer.Ordinal),
                    _ => throw Unsupported($"{at}/properties must be an object of schemas."),
                },
                Required = obj["required"] switch
                {
                    null => [],
                    JsonArray names => [.. names.Select(n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String
                        ? v.GetValue<string>()
                        : throw Unsupported($"{at}/required must be an array of property names."))],
                    _ => throw Unsupported($"{at}/required must be an array of property names."),
                },
                AdditionalProperties = additional is JsonObject additionalSchema
                    ? ParseObject(additionalSchema, $"{at}/additionalProperties", lenient)
                    : null,
                AdditionalPropertiesForbidden = additional is not JsonObject && Bool(obj, "additionalProperties", at) == false,
                MinProperties = Count(obj, "minProperties", at),
                MaxProperties = Count(obj, "maxProperties", at),
                Items = obj["items"] switch
                {
                    null => null,
                    JsonObject items => ParseObject(items, $"{at}/items", lenient),
                    _ => throw Unsupported($"{at}/items must be a schema object."),
                },
                MinItems = Count(obj, "minItems", at),
                MaxItems = Count(obj, "maxItems", at),
                UniqueItems = Bool(obj, "uniqueItems", at) ?? false,
                MinLength = Count(obj, "minLength", at),
                MaxLength = Count(obj, "maxLength", at),
                Pattern = ParsePattern(obj, at),
                EnumValues = obj.ContainsKey("enum") ? ParseEnum(obj["enum"], at) : null,
                EnumScalarsMayBeStrings = lenient,
                Minimum = minimum,
                ExclusiveMinimum = exclusiveMinimum,
                Maximum = maximum,
                ExclusiveMaximum = exclusiveMaximum,
                MultipleOf = multipleOf,
            };
        }

        public JsonSchemaTypes ParseTypes(JsonNode? type, string at)
        {
            JsonSchemaTypes One(JsonNode? name, string at) => name is null
                ? JsonSchemaTypes.Null // YAML's unquoted `null` in a type list arrives as JSON null.
                : ScalarText(name) switch
                {
                    "object" => JsonSchemaTypes.Object,
                    "array" => JsonSchemaTypes.Array,
                    "string" => JsonSchemaTypes.String,
                    "number" => JsonSchemaTypes.Number,
                    "integer" => JsonSchemaTypes.Integer,
                    "boolean" => JsonSchemaTypes.Boolean,
                    "null" => JsonSchemaTypes.Null,
                    var other => throw Unsupported($"{at}/type: '{other}' is not a draft 4 type."),
                };

            return type switch
            {
                JsonArray names when names.Count > 0 => names.Aggregate(JsonSchemaTypes.None, (all, name) => all | One(name, at)),
                JsonArray => throw Unsupported($"{at}/type must not be an empty array."),
                _ => One(type, at),
            };
        }

        public Regex? ParsePattern(JsonObject obj, string at)
        {
            if (!obj.ContainsKey("pattern"))
            {
                return null;
            }

            var text = obj["pattern"] is JsonValue value && value.GetValueKind() == JsonValueKind.String
                ? value.GetValue<string>()
                : throw Unsupported($"{at}/pattern must be a string.");
            try
            {
                return new Regex(text, RegexOptions.ECMAScript, PatternTimeout);
            }
            catch (ArgumentException e)
            {
                throw Unsupported($"{at}/pattern '{text}' is not a regular expression .NET can run as ECMA 262: {e.Message}", e);
            }
        }

        public JsonElement[] ParseEnum(JsonNode? values, string at)
        {
            if (values is not JsonArray { Count: > 0 } array)
            {
                throw Unsupported($"{at}/enum must be a non-empty array (draft 4, section 5.5.1).");
            }

            return [.. array.Select(v =>
            {
                using var document = JsonDocument.Parse(v?.ToJsonString() ?? "null");
                return document.RootElement.Clone();
            })];
        }

        public int? Count(JsonObject obj, string keyword, string at)
        {
            var number = Number(obj, keyword, at);
            return number switch
            {
                null => null,
                { Exact: { } exact } when exact >= 0 && exact <= int.MaxValue && exact == decimal.Truncate(exact) => (int)exact,
                _ => throw Unsupported($"{at}/{keyword} must be a non-negative integer, got {number}."),
            };
        }

        public SchemaNumber? Number(JsonObject obj, string keyword, string at)
        {
            if (!obj.ContainsKey(keyword))
            {
                return null;
            }

            var node = obj[keyword];
            var text = node is JsonValue value && value.GetValueKind() is JsonValueKind.Number or JsonValueKind.String
                ? ScalarText(value)
                : null;
            return text is not null && SchemaNumber.TryParse(text, out var number) && double.IsFinite(number.Approximate)
                ? number
                : throw Unsupported($"{at}/{keyword} must be a number, got {node?.ToJsonString() ?? "null"}.");
        }

        public bool? Bool(JsonObject obj, string keyword, string at)
        {
            if (!obj.ContainsKey(keyword))
            {
                return null;
            }

            var node = obj[keyword];
            return node is JsonValue value ? value.GetValueKind() switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.String when bool.TryParse(value.GetValue<string>().Trim(), out var parsed) => parsed,
                _ => throw Unsupported($"{at}/{keyword} must be a boolean, got {node.ToJsonString()}."),
            } : throw Unsupported($"{at}/{keyword} must be a boolean, got {node?.ToJsonString() ?? "null"}.");
        }
    }

    private static string ScalarText(JsonNode node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>().Trim()
            : node.ToJsonString();
}
