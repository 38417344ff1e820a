using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecureLambda.LocalCloud.Waf;

/// <summary>
/// Lenient reads of resolved template properties. CloudFormation coerces scalars to the property's type, so a
/// number or boolean may arrive as a JSON string (a <c>!Ref</c> to a Number parameter resolves to a string).
/// </summary>
internal static class WafJson
{
    public static string? GetString(JsonObject obj, string name) =>
        obj[name] is JsonValue value
            ? value.GetValueKind() switch
            {
                JsonValueKind.String => value.GetValue<string>(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
                _ => null,
            }
            : null;

    public static long? GetInt64(JsonObject obj, string name, string context)
    {
        var text = GetString(obj, name);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new WafConfigurationException($"{context}: {name} must be an integer, got '{text}'.");
    }

    public static JsonObject? GetObject(JsonObject obj, string name, string context) =>
        obj[name] switch
        {
            null => null,
            JsonObject child => child,
            var other => throw new WafConfigurationException(
                $"{context}: {name} must be an object, got {other.GetValueKind()}."),
        };

    public static JsonArray? GetArray(JsonObject obj, string name, string context) =>
        obj[name] switch
        {
            null => null,
            JsonArray array => array,
            var other => throw new WafConfigurationException(
                $"{context}: {name} must be a list, got {other.GetValueKind()}."),
        };

    public static JsonObject RequireObject(JsonObject obj, string name, string context) =>
        GetObject(obj, name, context) ?? throw new WafConfigurationException($"{context}: {name} is required.");

    public static string RequireString(JsonObject obj, string name, string context) =>
        GetString(obj, name) ?? throw new WafConfigurationException($"{context}: {name} is required.");

    /// <summary>The single property of an object that is one of a union (a statement, an action).</summary>
    public static KeyValuePair<string, JsonNode?> Single(JsonObject obj, string context)
    {
        if (obj.Count != 1)
        {
            throw new WafConfigurationException(
                $"{context}: expected exactly one of the documented members, got [{string.Join(", ", obj.Select(p => p.Key))}].");
        }

        return obj.First();
    }
}
