namespace SecureLambda.LocalCloud.Waf;

internal static class WafHeaders
{
    /// <summary>A header value by case-insensitive name, whatever comparer the dictionary uses.</summary>
    public static string? Find(IReadOnlyDictionary<string, string> headers, string name)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (headers.TryGetValue(name, out var value))
        {
            return value;
        }

        foreach (var (key, candidate) in headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        return null;
    }
}
