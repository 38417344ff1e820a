using System.Globalization;
using System.Text.Json;

namespace SecureLambda.LocalCloud.ApiGateway.Validation;

/// <summary>
/// A number from a schema or a body, kept exactly as a decimal when it fits (so that 0.3 is a multiple of 0.1 and
/// integers past 2^53 compare correctly) and as a double otherwise.
/// </summary>
public readonly record struct SchemaNumber(decimal? Exact, double Approximate)
{
    public static bool TryParse(string text, out SchemaNumber number)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var approximate) || double.IsNaN(approximate))
        {
            number = default;
            return false;
        }

        decimal? exact = decimal.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
        number = new SchemaNumber(exact, approximate);
        return true;
    }

    public static SchemaNumber From(JsonElement element) =>
        TryParse(element.GetRawText(), out var number)
            ? number
            : throw new FormatException($"'{element.GetRawText()}' is not a JSON number.");

    public int CompareTo(SchemaNumber other) =>
        Exact is { } mine && other.Exact is { } theirs ? mine.CompareTo(theirs) : Approximate.CompareTo(other.Approximate);

    public bool IsMultipleOf(SchemaNumber divisor)
    {
        if (Exact is { } value && divisor.Exact is { } step)
        {
            try
            {
                return value % step == 0m;
            }
            catch (OverflowException)
            {
            }
        }

        var quotient = Approximate / divisor.Approximate;
        return double.IsFinite(quotient) && Math.Abs(quotient - Math.Round(quotient)) <= 1e-9 * Math.Max(1, Math.Abs(quotient));
    }

    public override string ToString() =>
        Exact is { } exact ? exact.ToString(CultureInfo.InvariantCulture) : Approximate.ToString("R", CultureInfo.InvariantCulture);
}
