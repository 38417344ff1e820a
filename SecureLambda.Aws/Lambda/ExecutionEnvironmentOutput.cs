using System.Globalization;

namespace SecureLambda.Aws.Lambda;

/// <summary>
/// One line that an execution environment of a function wrote, as its host's own output carries it on to whoever shows
/// the function's output (as Lambda sends every environment's output to the function's one log group):
/// <c>[InternalLambda environment 2] …</c>, or <c>[InternalLambda environment 2 stderr] …</c> for standard error.
/// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
/// </summary>
/// <param name="LogicalId">The function's logical id in the template.</param>
/// <param name="Environment">Which of its environments wrote it, numbered by whoever started them.</param>
/// <param name="IsError">Whether it came from standard error.</param>
/// <param name="Text">The line as the environment wrote it.</param>
public sealed record ExecutionEnvironmentOutput(string LogicalId, int Environment, bool IsError, string Text)
{
    private const string Marker = " environment ";
    private const string ErrorSuffix = " stderr";

    /// <summary>The line as the host writes it.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"[{LogicalId}{Marker}{Environment}{(IsError ? ErrorSuffix : string.Empty)}] {Text}");

    /// <summary>
    /// Reads a line the host wrote, which a log collector may have prefixed with one timestamp; null for any other line.
    /// </summary>
    public static ExecutionEnvironmentOutput? TryParse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var open = line.IndexOf('[', StringComparison.Ordinal);
        // At the start, or after one word (the collector's timestamp) and a space.
        if (open < 0 || (open > 0 && (line[open - 1] != ' ' || line.AsSpan(0, open - 1).Contains(' '))))
        {
            return null;
        }

        var close = line.IndexOf("] ", open, StringComparison.Ordinal);
        if (close < 0)
        {
            return null;
        }

        var label = line.AsSpan(open + 1, close - open - 1);
        var isError = label.EndsWith(ErrorSuffix, StringComparison.Ordinal);
        if (isError)
        {
            label = label[..^ErrorSuffix.Length];
        }

        var marker = label.IndexOf(Marker, StringComparison.Ordinal);
        if (marker <= 0
            || !IsLogicalId(label[..marker])
            || !int.TryParse(label[(marker + Marker.Length)..], NumberStyles.None, CultureInfo.InvariantCulture, out var environment))
        {
            return null;
        }

        return new ExecutionEnvironmentOutput(label[..marker].ToString(), environment, isError, line[(close + 2)..]);
    }

    /// <summary>A CloudFormation logical id: ASCII letters and digits only.</summary>
    private static bool IsLogicalId(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
