using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SecureLambda.LocalCloud.ApiGateway.Validation;

/// <summary>
/// Body validation of a method whose request validator has <c>ValidateRequestBody: true</c>: the body must be JSON and
/// conform to the model chosen for its content type. A failure is answered with
/// the BAD_REQUEST_BODY gateway response; the reason is for logs and spans only, as AWS publishes it to
/// CloudWatch Logs and not to the caller.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html
/// </summary>
public static class RequestBodyValidator
{
    /// <summary>The model key that applies to any content type.</summary>
    public const string DefaultContentType = "$default";

    /// <summary>What API Gateway assumes when a request has no Content-Type header.</summary>
    public const string AssumedContentType = "application/json";

    /// <summary>
    /// Picks the model that validates a request. "If no matching content type is found, request validation is not
    /// performed. To use the same model regardless of the content type, set the content type for your data model to
    /// $default." (api-gateway-method-request-validation.html). Without a Content-Type header "API Gateway defaults to
    /// application/json" (integration-passthrough-behaviors.html). Media types compare case-insensitively (RFC 9110,
    /// section 8.3.1) and parameters such as <c>; charset=utf-8</c> are not part of the match.
    /// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html
    /// https://docs.aws.amazon.com/apigateway/latest/developerguide/integration-passthrough-behaviors.html
    /// </summary>
    /// <returns>The model's schema, or null when the body is not validated.</returns>
    public static JsonSchema? SchemaFor(IReadOnlyDictionary<string, JsonSchema> modelsByContentType, string? contentType)
    {
        ArgumentNullException.ThrowIfNull(modelsByContentType);
        var mediaType = contentType?.Split(';', 2)[0].Trim();
        if (string.IsNullOrEmpty(mediaType))
        {
            mediaType = AssumedContentType;
        }

        JsonSchema? fallback = null;
        foreach (var (key, schema) in modelsByContentType)
        {
            var modelType = key.Split(';', 2)[0].Trim();
            if (string.Equals(modelType, mediaType, StringComparison.OrdinalIgnoreCase))
            {
                return schema;
            }

            if (string.Equals(modelType, DefaultContentType, StringComparison.Ordinal))
            {
                fallback = schema;
            }
        }

        return fallback;
    }

    /// <summary>
    /// True when <paramref name="body"/> is one JSON document that conforms to <paramref name="schema"/>. An empty or
    /// missing body is not a JSON document and fails.
    /// </summary>
    public static bool IsValid(JsonSchema schema, string? body, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (string.IsNullOrWhiteSpace(body))
        {
            reason = "body: empty, not a JSON document";
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            reason = $"body: not valid JSON ({e.Message})";
            return false;
        }

        using (document)
        {
            try
            {
                reason = Check(schema, document.RootElement, string.Empty);
            }
            catch (InvalidOperationException e)
            {
                reason = $"body: unreadable string ({e.Message})";
            }
        }

        return reason is null;
    }

    private static string? Check(JsonSchema schema, JsonElement value, string path)
    {
        var kind = KindOf(value);
        if (schema.Types is { } types && (types & kind) == 0
            && !(kind == JsonSchemaTypes.Integer && types.HasFlag(JsonSchemaTypes.Number)))
        {
            return Fail(path, $"{Describe(kind)} is not of type {Describe(types)}");
        }

        if (schema.EnumValues is { } allowed && !allowed.Any(a => Equal(value, a, schema.EnumScalarsMayBeStrings)))
        {
            return Fail(path, $"{Abbreviate(value)} is not one of the enum values");
        }

        return kind switch
        {
            JsonSchemaTypes.Object => CheckObject(schema, value, path),
            JsonSchemaTypes.Array => CheckArray(schema, value, path),
            JsonSchemaTypes.String => CheckString(schema, value.GetString()!, path),
            JsonSchemaTypes.Number or JsonSchemaTypes.Integer => CheckNumber(schema, SchemaNumber.From(value), path),
            _ => null,
        };
    }

    private static string? CheckObject(JsonSchema schema, JsonElement value, string path)
    {
        var names = value.EnumerateObject().Select(p => p.Name).Distinct(StringComparer.Ordinal).ToList();
        if (schema.MinProperties is { } min && names.Count < min)
        {
            return Fail(path, $"object has {names.Count} properties, fewer than minProperties {min}");
        }

        if (schema.MaxProperties is { } max && names.Count > max)
        {
            return Fail(path, $"object has {names.Count} properties, more than maxProperties {max}");
        }

        if (schema.Required.FirstOrDefault(r => !value.TryGetProperty(r, out _)) is { } missing)
        {
            return Fail(path, $"required property '{missing}' is missing");
        }

        foreach (var property in value.EnumerateObject())
        {
            var childPath = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
            string? failure;
            if (schema.Properties.TryGetValue(property.Name, out var declared))
            {
                failure = Check(declared, property.Value, childPath);
            }
            else if (schema.AdditionalPropertiesForbidden)
            {
                failure = Fail(path, $"property '{property.Name}' is not allowed (additionalProperties false)");
            }
            else
            {
                failure = schema.AdditionalProperties is { } additional ? Check(additional, property.Value, childPath) : null;
            }

            if (failure is not null)
            {
                return failure;
            }
        }

        return null;
    }

    private static string? CheckArray(JsonSchema schema, JsonElement value, string path)
    {
        var items = value.EnumerateArray().ToList();
        if (schema.MinItems is { } min && items.Count < min)
        {
            return Fail(path, $"array has {items.Count} items, fewer than minItems {min}");
        }

        if (schema.MaxItems is { } max && items.Count > max)
        {
            return Fail(path, $"array has {items.Count} items, more than maxItems {max}");
        }

        if (schema.UniqueItems)
        {
            for (var i = 0; i < items.Count; i++)
            {
                for (var j = i + 1; j < items.Count; j++)
                {
                    if (Equal(items[i], items[j], scalarsMayBeStrings: false))
                    {
                        return Fail(path, $"items {i} and {j} are equal (uniqueItems)");
                    }
                }
            }
        }

        if (schema.Items is { } itemSchema)
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (Check(itemSchema, items[i], $"{path}[{i}]") is { } failure)
                {
                    return failure;
                }
            }
        }

        return null;
    }

    private static string? CheckString(JsonSchema schema, string value, string path)
    {
        var length = CodePoints(value);
        if (schema.MinLength is { } min && length < min)
        {
            return Fail(path, $"string length {length} is less than minLength {min}");
        }

        if (schema.MaxLength is { } max && length > max)
        {
            return Fail(path, $"string length {length} is greater than maxLength {max}");
        }

        if (schema.Pattern is { } pattern)
        {
            try
            {
                if (!pattern.IsMatch(value))
                {
                    return Fail(path, $"string does not match pattern {pattern}");
                }
            }
            catch (RegexMatchTimeoutException)
            {
                return Fail(path, $"pattern {pattern} timed out after {JsonSchema.PatternTimeout.TotalMilliseconds} ms");
            }
        }

        return null;
    }

    private static string? CheckNumber(JsonSchema schema, SchemaNumber value, string path)
    {
        if (schema.Minimum is { } min && (schema.ExclusiveMinimum ? value.CompareTo(min) <= 0 : value.CompareTo(min) < 0))
        {
            return Fail(path, $"{value} is less than {(schema.ExclusiveMinimum ? "or equal to exclusive " : string.Empty)}minimum {min}");
        }

        if (schema.Maximum is { } max && (schema.ExclusiveMaximum ? value.CompareTo(max) >= 0 : value.CompareTo(max) > 0))
        {
            return Fail(path, $"{value} is greater than {(schema.ExclusiveMaximum ? "or equal to exclusive " : string.Empty)}maximum {max}");
        }

        if (schema.MultipleOf is { } step && !value.IsMultipleOf(step))
        {
            return Fail(path, $"{value} is not a multiple of {step}");
        }

        return null;
    }

    /// <summary>
    /// Draft 4 calls a number an integer only when it has no fraction or exponent part (core, section 3.5): 1.0 and
    /// 1e2 are numbers, not integers. Later drafts changed this; API Gateway implements draft 4.
    /// </summary>
    private static JsonSchemaTypes KindOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => JsonSchemaTypes.Object,
        JsonValueKind.Array => JsonSchemaTypes.Array,
        JsonValueKind.String => JsonSchemaTypes.String,
        JsonValueKind.Number => value.GetRawText().AsSpan().IndexOfAny(".eE") < 0 ? JsonSchemaTypes.Integer : JsonSchemaTypes.Number,
        JsonValueKind.True or JsonValueKind.False => JsonSchemaTypes.Boolean,
        _ => JsonSchemaTypes.Null,
    };

    private static bool Equal(JsonElement a, JsonElement b, bool scalarsMayBeStrings)
    {
        if (scalarsMayBeStrings && b.ValueKind == JsonValueKind.String && a.ValueKind != JsonValueKind.String)
        {
            var text = b.GetString()!.Trim();
            return a.ValueKind switch
            {
                JsonValueKind.Number => SchemaNumber.TryParse(text, out var n) && SchemaNumber.From(a).CompareTo(n) == 0,
                JsonValueKind.True => string.Equals(text, "true", StringComparison.OrdinalIgnoreCase),
                JsonValueKind.False => string.Equals(text, "false", StringComparison.OrdinalIgnoreCase),
                _ => false,
            };
        }

        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        return a.ValueKind switch
        {
            JsonValueKind.Number => SchemaNumber.From(a).CompareTo(SchemaNumber.From(b)) == 0,
            JsonValueKind.String => string.Equals(a.GetString(), b.GetString(), StringComparison.Ordinal),
            JsonValueKind.Array => a.GetArrayLength() == b.GetArrayLength()
                && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => Equal(p.First, p.Second, scalarsMayBeStrings)),
            JsonValueKind.Object => ObjectsEqual(a, b, scalarsMayBeStrings),
            _ => true,
        };
    }

    private static bool ObjectsEqual(JsonElement a, JsonElement b, bool scalarsMayBeStrings)
    {
        var left = a.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        var right = b.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        return left.Count == right.Count
            && left.All(p => right.TryGetValue(p.Key, out var other) && Equal(p.Value, other, scalarsMayBeStrings));
    }

    private static int CodePoints(string value)
    {
        var count = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }

            count++;
        }

        return count;
    }

    private static string Describe(JsonSchemaTypes types) =>
        string.Join(" or ", Enum.GetValues<JsonSchemaTypes>()
            .Where(t => t != JsonSchemaTypes.None && types.HasFlag(t))
            .Select(t => t.ToString().ToLowerInvariant()));

    private static string Abbreviate(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "...");
    }

    private static string Fail(string path, string message) =>
        string.Create(CultureInfo.InvariantCulture, $"{(path.Length == 0 ? "body" : path)}: {message}");
}
