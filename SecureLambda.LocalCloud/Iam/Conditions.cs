using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace SecureLambda.LocalCloud.Iam;

/// <summary>
/// A statement's <c>Condition</c> block, compiled: true when every test holds (AND across operators and across the
/// keys of one operator). https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
/// </summary>
internal sealed class ConditionBlock(ConditionTest[] tests)
{
    public static readonly ConditionBlock Empty = new([]);

    public bool Holds(IReadOnlyDictionary<string, IReadOnlyList<string>> context)
    {
        foreach (var test in tests)
        {
            if (!test.Holds(context))
            {
                return false;
            }
        }

        return true;
    }
}

internal enum SetQualifier
{
    None,
    ForAllValues,
    ForAnyValue,
}

/// <summary>
/// One operator applied to one key. The values of one key are ORed (NORed for a negated operator); the missing-key
/// rules are AWS's: a missing key makes a positive operator false and a negated one true, <c>...IfExists</c> makes it
/// true, <c>ForAllValues</c> is true for a missing key and <c>ForAnyValue</c> false.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
/// </summary>
internal sealed class ConditionTest(string key, SetQualifier set, bool ifExists, bool negated, bool? nullCheck, Func<string, bool> matchesAnyPolicyValue)
{
    public bool Holds(IReadOnlyDictionary<string, IReadOnlyList<string>> context)
    {
        var present = context.TryGetValue(key, out var values) && values.Count > 0;

        // Null: "true" holds when the key is absent, "false" when it is present.
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
        if (nullCheck is { } wantAbsent)
        {
            return wantAbsent != present;
        }

        if (!present)
        {
            return set switch
            {
                SetQualifier.ForAllValues => true,
                SetQualifier.ForAnyValue => ifExists,
                _ => ifExists || negated,
            };
        }

        switch (set)
        {
            case SetQualifier.ForAllValues:
                foreach (var value in values!)
                {
                    if (!ValueHolds(value))
                    {
                        return false;
                    }
                }

                return true;
            case SetQualifier.ForAnyValue:
                foreach (var value in values!)
                {
                    if (ValueHolds(value))
                    {
                        return true;
                    }
                }

                return false;
            default:
                // A single-valued operator on the key's values: some value matches (positive), none matches (negated).
                foreach (var value in values!)
                {
                    if (matchesAnyPolicyValue(value))
                    {
                        return !negated;
                    }
                }

                return negated;
        }
    }

    private bool ValueHolds(string requestValue) => matchesAnyPolicyValue(requestValue) != negated;
}

/// <summary>Compiles condition operators. Everything not listed here is refused, naming the policy and operator.</summary>
internal static class ConditionParser
{
    private const string OperatorsPage = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html";

    public static ConditionBlock Parse(JsonNode? node, PolicyContext where)
    {
        if (node is not JsonObject block)
        {
            throw where.Fail("Condition", "must be an object of condition operators.");
        }

        var tests = new List<ConditionTest>();
        foreach (var (operatorName, keys) in block)
        {
            if (keys is not JsonObject keyValues)
            {
                throw where.Fail($"Condition operator {operatorName}", "must map condition keys to values.");
            }

            foreach (var (key, valueNode) in keyValues)
            {
                var values = where.Strings(valueNode, $"Condition {operatorName} {key}");
                foreach (var value in values)
                {
                    where.RefusePolicyVariable(value, $"Condition {operatorName} {key}");
                }

                tests.Add(Compile(operatorName, key, values, where));
            }
        }

        return new ConditionBlock([.. tests]);
    }

    private static ConditionTest Compile(string operatorName, string key, string[] values, PolicyContext where)
    {
        var element = $"Condition operator {operatorName}";
        var name = operatorName;
        var set = SetQualifier.None;
        if (name.StartsWith("ForAllValues:", StringComparison.Ordinal))
        {
            set = SetQualifier.ForAllValues;
            name = name["ForAllValues:".Length..];
        }
        else if (name.StartsWith("ForAnyValue:", StringComparison.Ordinal))
        {
            set = SetQualifier.ForAnyValue;
            name = name["ForAnyValue:".Length..];
        }

        if (name == "Null")
        {
            if (set != SetQualifier.None)
            {
                throw where.Fail(element, "Null takes no set operator.");
            }

            if (values.Length != 1 || ParseBool(values[0]) is not { } wantAbsent)
            {
                throw where.Fail(element, $"Null takes one value, true or false, for {key}. {OperatorsPage}#Conditions_Null");
            }

            return new ConditionTest(key, set, ifExists: false, negated: false, nullCheck: wantAbsent, _ => false);
        }

        var ifExists = name.EndsWith("IfExists", StringComparison.Ordinal);
        if (ifExists)
        {
            name = name[..^"IfExists".Length];
        }

        var (negated, matcher) = name switch
        {
            "StringEquals" => (false, Strings(values, StringComparison.Ordinal)),
            "StringNotEquals" => (true, Strings(values, StringComparison.Ordinal)),
            "StringEqualsIgnoreCase" => (false, Strings(values, StringComparison.OrdinalIgnoreCase)),
            "StringNotEqualsIgnoreCase" => (true, Strings(values, StringComparison.OrdinalIgnoreCase)),
            "StringLike" => (false, Like(values)),
            "StringNotLike" => (true, Like(values)),
            "NumericEquals" => (false, Numeric(values, c => c == 0, where, element)),
            "NumericNotEquals" => (true, Numeric(values, c => c == 0, where, element)),
            "NumericLessThan" => (false, Numeric(values, c => c < 0, where, element)),
            "NumericLessThanEquals" => (false, Numeric(values, c => c <= 0, where, element)),
            "NumericGreaterThan" => (false, Numeric(values, c => c > 0, where, element)),
            "NumericGreaterThanEquals" => (false, Numeric(values, c => c >= 0, where, element)),
            "DateEquals" => (false, Date(values, c => c == 0, where, element)),
            "DateNotEquals" => (true, Date(values, c => c == 0, where, element)),
            "DateLessThan" => (false, Date(values, c => c < 0, where, element)),
            "DateLessThanEquals" => (false, Date(values, c => c <= 0, where, element)),
            "DateGreaterThan" => (false, Date(values, c => c > 0, where, element)),
            "DateGreaterThanEquals" => (false, Date(values, c => c >= 0, where, element)),
            "Bool" => (false, Bool(values, where, element)),
            "IpAddress" => (false, Ip(values, where, element)),
            "NotIpAddress" => (true, Ip(values, where, element)),
            "ArnEquals" or "ArnLike" => (false, Arn(values, where, element)),
            "ArnNotEquals" or "ArnNotLike" => (true, Arn(values, where, element)),
            "BinaryEquals" => throw where.Fail(element, "binary conditions are not evaluated by LocalCloud."),
            _ => throw where.Fail(element, $"unknown condition operator. {OperatorsPage}"),
        };

        return new ConditionTest(key, set, ifExists, negated, nullCheck: null, matcher);
    }

    // The functions below answer "does this request value match any of the policy's values?"; a request value that
    // does not parse as the operator's type matches none.

    private static Func<string, bool> Strings(string[] values, StringComparison comparison)
    {
        if (values.Length == 1)
        {
            var only = values[0];
            return value => string.Equals(value, only, comparison);
        }

        var set = new HashSet<string>(values, comparison == StringComparison.Ordinal ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        return set.Contains;
    }

    private static Func<string, bool> Like(string[] values)
    {
        var patterns = values.Select(v => new WildcardPattern(v, ignoreCase: false)).ToArray();
        return value => AnyOf(patterns, value, static (pattern, v) => pattern.Matches(v));
    }

    private static Func<string, bool> Arn(string[] values, PolicyContext where, string element)
    {
        var patterns = values.Select(v => ArnPattern.IsValid(v) ? new ArnPattern(v) : throw where.Fail(element, $"'{v}' is not an ARN of six components.")).ToArray();
        return value => AnyOf(patterns, value, static (pattern, v) => pattern.Matches(v));
    }

    private static Func<string, bool> Numeric(string[] values, Func<int, bool> accept, PolicyContext where, string element)
    {
        var numbers = values.Select(v => ParseNumber(v) ?? throw where.Fail(element, $"'{v}' is not a number.")).ToArray();
        return value => ParseNumber(value) is { } number && AnyOf(numbers, number, (n, v) => accept(v.CompareTo(n)));
    }

    private static Func<string, bool> Date(string[] values, Func<int, bool> accept, PolicyContext where, string element)
    {
        var dates = values.Select(v => ParseDate(v) ?? throw where.Fail(element, $"'{v}' is not an ISO 8601 date or epoch seconds.")).ToArray();
        return value => ParseDate(value) is { } date && AnyOf(dates, date, (d, v) => accept(v.CompareTo(d)));
    }

    private static Func<string, bool> Bool(string[] values, PolicyContext where, string element)
    {
        var wanted = values.Select(v => ParseBool(v) ?? throw where.Fail(element, $"'{v}' is not true or false.")).ToArray();
        return value => ParseBool(value) is { } actual && wanted.Contains(actual);
    }

    private static Func<string, bool> Ip(string[] values, PolicyContext where, string element)
    {
        var networks = values.Select(v => ParseNetwork(v) ?? throw where.Fail(element, $"'{v}' is not an IP address or CIDR range.")).ToArray();
        return value => IPAddress.TryParse(value, out var address)
            && AnyOf(networks, address, static (n, a) => n.BaseAddress.AddressFamily == a.AddressFamily && n.Contains(a));
    }

    /// <summary>Whether any policy value matches the request value; a loop, so no closure is allocated per call.</summary>
    private static bool AnyOf<TPolicy, TValue>(TPolicy[] policyValues, TValue value, Func<TPolicy, TValue, bool> matches)
    {
        foreach (var policyValue in policyValues)
        {
            if (matches(policyValue, value))
            {
                return true;
            }
        }

        return false;
    }

    internal static bool? ParseBool(string text) =>
        string.Equals(text, "true", StringComparison.OrdinalIgnoreCase) ? true
        : string.Equals(text, "false", StringComparison.OrdinalIgnoreCase) ? false
        : null;

    private static decimal? ParseNumber(string text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;

    /// <summary>Dates in conditions are ISO 8601 or epoch seconds (the form of aws:EpochTime).
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date</summary>
    private static DateTimeOffset? ParseDate(string text)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            return epoch <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(epoch) : null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            && text.Contains('-', StringComparison.Ordinal)
            ? date
            : null;
    }

    /// <summary>A CIDR range, or one address (a /32 or /128). https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress</summary>
    private static IPNetwork? ParseNetwork(string text)
    {
        if (IPNetwork.TryParse(text, out var network))
        {
            return network;
        }

        return IPAddress.TryParse(text, out var address)
            ? new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
            : null;
    }
}
