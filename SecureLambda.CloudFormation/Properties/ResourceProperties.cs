using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecureLambda.CloudFormation.Properties;

/// <summary>
/// Typed reads of one resource's resolved properties, the one place a property value is converted to the type its
/// property takes. CloudFormation coerces a scalar to the property's type, and a <c>Ref</c> to a Number parameter
/// yields a string, so a number or a boolean is accepted as a JSON number or boolean and as its text
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html). A value of the
/// wrong shape is an <see cref="UnsupportedTemplateException"/> naming the resource, the property and what was
/// expected; LocalStack and moto would drop or coerce it silently.
/// </summary>
public sealed class ResourceProperties
{
    private readonly string _path;

    public ResourceProperties(string logicalId, string resourceType, JsonObject json)
        : this(logicalId, resourceType, json, string.Empty)
    {
    }

    private ResourceProperties(string logicalId, string resourceType, JsonObject json, string path)
    {
        ArgumentNullException.ThrowIfNull(logicalId);
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(json);
        LogicalId = logicalId;
        ResourceType = resourceType;
        Json = json;
        _path = path;
    }

    public string LogicalId { get; }

    public string ResourceType { get; }

    /// <summary>The properties as resolved JSON, for a value passed on as it is (a policy document, a schema).</summary>
    public JsonObject Json { get; }

    public bool Has(string name) => Json[name] is not null;

    /// <summary>A scalar as text, or null when the property is absent.</summary>
    public string? OptionalString(string name) => Json[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value => value.ToJsonString(),
        var other => throw Expected(name, "a string", other),
    };

    public string RequiredString(string name) => OptionalString(name) ?? throw Missing(name);

    public int? OptionalInt(string name) => OptionalString(name) is { } text
        ? int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Expected(name, "an integer", Json[name])
        : null;

    public int RequiredInt(string name) => OptionalInt(name) ?? throw Missing(name);

    public long? OptionalLong(string name) => OptionalString(name) is { } text
        ? long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Expected(name, "an integer", Json[name])
        : null;

    /// <summary>A finite number, or null when the property is absent.</summary>
    public double? OptionalDouble(string name) => OptionalString(name) is { } text
        ? double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : throw Expected(name, "a number", Json[name])
        : null;

    /// <summary><c>true</c> or <c>false</c> in any letter case, as JSON or as text; null when the property is absent.</summary>
    public bool? OptionalBool(string name) => OptionalString(name) is { } text
        ? bool.TryParse(text.Trim(), out var flag)
            ? flag
            : throw Expected(name, "true or false", Json[name])
        : null;

    /// <summary>A list of scalars; a single scalar is a list of one, and an absent property an empty list.</summary>
    public IReadOnlyList<string> StringList(string name) => Json[name] switch
    {
        null => [],
        JsonArray array => [.. array.Select((item, index) => item is JsonValue value
            ? value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()
            : throw Expected($"{name}[{index}]", "a string", item))],
        JsonValue => [OptionalString(name)!],
        var other => throw Expected(name, "a list of strings", other),
    };

    /// <summary>A nested object, read with the same rules and named by its path in errors; null when absent.</summary>
    public ResourceProperties? OptionalObject(string name) => Json[name] switch
    {
        null => null,
        JsonObject child => new ResourceProperties(LogicalId, ResourceType, child, PathOf(name)),
        var other => throw Expected(name, "an object", other),
    };

    public ResourceProperties RequiredObject(string name) => OptionalObject(name) ?? throw Missing(name);

    /// <summary>A list of objects; an absent property is an empty list.</summary>
    public IReadOnlyList<ResourceProperties> ObjectList(string name) => Json[name] switch
    {
        null => [],
        JsonArray array => [.. array.Select((item, index) => item is JsonObject child
            ? new ResourceProperties(LogicalId, ResourceType, child, $"{PathOf(name)}[{index}]")
            : throw Expected($"{name}[{index}]", "an object", item))],
        var other => throw Expected(name, "a list of objects", other),
    };

    /// <summary>The error for a value this resource cannot take, naming the property at fault.</summary>
    public UnsupportedTemplateException Unsupported(string name, string reason) =>
        new(LogicalId, ResourceType, $"property {PathOf(name)} {reason}");

    private UnsupportedTemplateException Missing(string name) => Unsupported(name, "is required.");

    private UnsupportedTemplateException Expected(string name, string expected, JsonNode? actual) =>
        Unsupported(name, $"must be {expected}, not {actual?.ToJsonString() ?? "null"}.");

    private string PathOf(string name) => _path.Length == 0 ? name : $"{_path}.{name}";
}
