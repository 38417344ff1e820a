using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// Typed reads of resolved template properties. A YAML scalar may arrive as a JSON string or as a number/boolean, and
/// parameters always arrive as strings, so each reader accepts both, as CloudFormation does.
/// </summary>
internal static class ResolvedProperties
{
    public static string? String(JsonObject properties, string name) => properties[name] switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value => value.ToJsonString(),
        _ => null,
    };

    public static string RequiredString(JsonObject properties, string name) =>
        String(properties, name) ?? throw new InvalidOperationException($"Property {name} is required.");

    public static int? Int(JsonObject properties, string name) => String(properties, name) is { } text
        ? int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture)
        : null;

    public static bool? Bool(JsonObject properties, string name) => String(properties, name) is { } text
        ? bool.Parse(text)
        : null;

    public static IReadOnlyList<string> StringList(JsonObject properties, string name) => properties[name] switch
    {
        JsonArray array => [.. array.OfType<JsonValue>().Select(item =>
            item.GetValueKind() == JsonValueKind.String ? item.GetValue<string>() : item.ToJsonString())],
        JsonValue value when String(properties, name) is { } single => [single],
        _ => [],
    };

    public static JsonObject? Object(JsonObject properties, string name) => properties[name] as JsonObject;
}
