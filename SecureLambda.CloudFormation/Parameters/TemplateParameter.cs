using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SecureLambda.CloudFormation.Parameters;

/// <summary>
/// A template parameter and its constraints, as declared in the Parameters section, and the one check of a value
/// against them that LocalCloud (at start-up) and the deploy tool (before it builds or uploads anything) share.
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
/// </summary>
public sealed record TemplateParameter(
    string Name,
    string Type,
    JsonNode? Default,
    IReadOnlyList<string>? AllowedValues,
    string? AllowedPattern,
    double? MinValue,
    double? MaxValue,
    int? MinLength,
    int? MaxLength)
{
    /// <summary>
    /// The parameter is masked in the console, the CLI and the API (<c>NoEcho: true</c>), so its value must never be
    /// printed.
    /// </summary>
    public bool NoEcho { get; init; }

    /// <summary>
    /// The Default as the text a stack receives: a list default (YAML sequence) joined by commas; null when there is
    /// no Default.
    /// </summary>
    /// <exception cref="TemplateException">The Default is neither a string nor a list of strings.</exception>
    public string? DefaultText => Default switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonArray array when array.All(item => item is JsonValue) => string.Join(',', array.Select(item => item!.GetValue<string>())),
        _ => throw new TemplateException($"The Default of parameter {Name} is not a string or a list of strings."),
    };

    /// <summary>True for the list types, whose value is a comma-separated list of members.</summary>
    public bool IsList => Type is "CommaDelimitedList" or "List<Number>";

    /// <summary>
    /// Which constraint refuses <paramref name="value"/> and what CloudFormation would say of it, or null when it passes. A String's length is checked
    /// against MinLength and MaxLength; a Number (or each member of a List&lt;Number&gt;) must be a number within MinValue
    /// and MaxValue; every value (each space-trimmed member of a list) must be one of AllowedValues, numerically for
    /// numbers, and match the whole of AllowedPattern. Other types (the AWS-specific ones) are checked as strings.
    /// </summary>
    public ParameterViolation? Check(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Type == "String")
        {
            if (value.Length < MinLength)
            {
                return new("MinLength", $"{Name} '{value}' is shorter than {MinLength} characters");
            }

            if (value.Length > MaxLength)
            {
                return new("MaxLength", $"{Name} '{value}' is longer than {MaxLength} characters");
            }
        }

        var members = IsList ? value.Split(',').Select(item => item.Trim()) : [value];
        return members.Select(member => CheckMember(member, isNumber: Type is "Number" or "List<Number>")).FirstOrDefault(reason => reason is not null);
    }

    private ParameterViolation? CheckMember(string text, bool isNumber)
    {
        double? number = null;
        if (isNumber)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                return new("not a number", $"{Name} must be a number, not '{text}'");
            }

            number = parsed;
            if (number < MinValue || number > MaxValue)
            {
                return new(
                    number < MinValue ? "MinValue" : "MaxValue",
                    $"{Name} must be between {Bound(MinValue, "-∞")} and {Bound(MaxValue, "∞")}, not {text}");
            }
        }

        if (AllowedValues is { Count: > 0 } allowed && !allowed.Any(candidate => candidate == text || (number is { } n
                && double.TryParse(candidate, NumberStyles.Float, CultureInfo.InvariantCulture, out var a) && a == n)))
        {
            return new("AllowedValues", $"{Name} must be one of {string.Join(", ", allowed)}, not '{text}'");
        }

        // AllowedPattern must match the whole value, as CloudFormation anchors it.
        if (AllowedPattern is { } pattern
            && !Regex.IsMatch(text, $"^(?:{pattern})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
        {
            return new("AllowedPattern", $"{Name} '{text}' does not match the pattern {pattern}");
        }

        return null;
    }

    private static string Bound(double? bound, string none) => bound?.ToString(CultureInfo.InvariantCulture) ?? none;
}

/// <summary>A parameter value a constraint refuses: the constraint (<c>AllowedValues</c>, <c>MinValue</c> …) and why.</summary>
public sealed record ParameterViolation(string Constraint, string Reason);
