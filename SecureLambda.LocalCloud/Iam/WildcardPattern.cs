namespace SecureLambda.LocalCloud.Iam;

/// <summary>
/// A policy pattern with <c>*</c> (any run of characters, colons and slashes included) and <c>?</c> (one character),
/// compiled once. Matching is a linear scan with single-star backtracking: no regex and no allocation per call.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
/// </summary>
internal sealed class WildcardPattern
{
    private readonly string _pattern;
    private readonly bool _ignoreCase;
    private readonly bool _isAll;
    private readonly bool _hasWildcards;

    public WildcardPattern(string pattern, bool ignoreCase)
    {
        _ignoreCase = ignoreCase;
        _pattern = ignoreCase ? pattern.ToUpperInvariant() : pattern;
        _isAll = pattern.Length > 0 && pattern.All(c => c == '*');
        _hasWildcards = pattern.AsSpan().IndexOfAny('*', '?') >= 0;
        Text = pattern;
    }

    /// <summary>The pattern as written in the policy.</summary>
    public string Text { get; }

    public bool Matches(string value) => Matches(value.AsSpan());

    public bool Matches(ReadOnlySpan<char> value)
    {
        if (_isAll)
        {
            return true;
        }

        if (!_hasWildcards)
        {
            return value.Equals(Text, _ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        }

        return Glob(_pattern, value, _ignoreCase);
    }

    internal static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> value, bool patternIsUpperCase)
    {
        int p = 0, v = 0, star = -1, resume = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = v;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == (patternIsUpperCase ? char.ToUpperInvariant(value[v]) : value[v])))
            {
                p++;
                v++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}

/// <summary>
/// The ARN condition operators' match: each of the six colon-delimited ARN components is matched separately, case
/// sensitively, and each may hold <c>*</c> and <c>?</c>, so no wildcard spans a colon of the first five. The parser
/// admits only six-component patterns and the lone <c>*</c>.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
/// </summary>
internal sealed class ArnPattern
{
    private readonly WildcardPattern[] _components;

    public ArnPattern(string pattern)
    {
        _components = [.. pattern.Split(':', 6).Select(c => new WildcardPattern(c, ignoreCase: false))];
    }

    /// <summary>Whether <paramref name="pattern"/> is one the ARN operators can compare: six components, or <c>*</c>.</summary>
    public static bool IsValid(string pattern) => pattern == "*" || pattern.Split(':', 6).Length == 6;

    public bool Matches(string arn)
    {
        var rest = arn.AsSpan();
        for (var i = 0; i < _components.Length; i++)
        {
            var last = i == _components.Length - 1;
            var colon = last ? -1 : rest.IndexOf(':');
            if (!last && colon < 0)
            {
                return false;
            }

            if (!_components[i].Matches(last ? rest : rest[..colon]))
            {
                return false;
            }

            rest = last ? [] : rest[(colon + 1)..];
        }

        return true;
    }
}
