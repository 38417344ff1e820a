using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SecureLambda.LocalCloud.Faults;

/// <summary>A parsed rule set, or why it was refused (naming the rule's index and the field).</summary>
public sealed record FaultRuleParse(IReadOnlyList<FaultRule>? Rules, string? Error)
{
    public bool IsValid => Rules is not null;
}

/// <summary>
/// Reads and checks a rule set, a JSON array of rules, all or nothing: the first problem refuses the whole set with
/// a message such as <c>rule 1, field error.statusCode: must be a whole number from 400 to 599</c>. The JSON is read
/// element by element (not bound to a type) so that every refusal names the rule and the field, unknown fields
/// included: a misspelt <c>latencyms</c> must not silently become a rule that does nothing.
/// </summary>
public static partial class FaultRuleParser
{
    /// <summary>The most rules LocalCloud keeps: enough for any experiment, few enough to match on every call.</summary>
    public const int MaxRules = 100;

    /// <summary>The longest delay a rule may add: a minute, longer than any SDK's default timeout.</summary>
    public const int MaxLatencyMs = 60_000;

    private const int MaxMessageLength = 1024;
    private const int MaxFunctionLength = 256;

    private static readonly string[] RuleFields = ["service", "operation", "function", "error", "probability", "latencyMs"];
    private static readonly string[] ErrorFields = ["statusCode", "code", "message"];

    public static FaultRuleParse Parse(ReadOnlyMemory<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            return Refuse($"The body is not JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return Refuse("The body must be a JSON array of rules, such as [{\"service\":\"secretsmanager\",\"operation\":\"GetSecretValue\",\"error\":{\"code\":\"ThrottlingException\"}}].");
            }

            if (root.GetArrayLength() > MaxRules)
            {
                return Refuse(string.Create(CultureInfo.InvariantCulture, $"At most {MaxRules} rules; the body has {root.GetArrayLength()}."));
            }

            var rules = new List<FaultRule>();
            var index = 0;
            foreach (var element in root.EnumerateArray())
            {
                var (rule, problem) = ParseRule(element, index++);
                if (rule is null)
                {
                    return Refuse(problem!);
                }

                rules.Add(rule);
            }

            return new FaultRuleParse(rules, null);
        }
    }

    /// <summary>The message a rule's error gets when it names none.</summary>
    public static string DefaultMessage(string code) =>
        code.Contains("Throttl", StringComparison.OrdinalIgnoreCase) || code == "TooManyRequestsException"
            ? "Rate exceeded"
            : $"{code} (a fault injected by LocalCloud)";

    private static FaultRuleParse Refuse(string error) => new(null, error);

    private static (FaultRule? Rule, string? Problem) ParseRule(JsonElement element, int index)
    {
        string Field(string field, string problem) => string.Create(CultureInfo.InvariantCulture, $"rule {index}, field {field}: {problem}");

        if (element.ValueKind != JsonValueKind.Object)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"rule {index}: must be a JSON object, not {Kind(element)}."));
        }

        if (UnknownOrRepeated(element, RuleFields) is { } odd)
        {
            return (null, Field(odd.Name, odd.Problem));
        }

        if (!element.TryGetProperty("service", out var serviceElement) || serviceElement.ValueKind == JsonValueKind.Null)
        {
            return (null, Field("service", "is required: the service's SigV4 signing name, such as secretsmanager, sns or lambda."));
        }

        if (serviceElement.ValueKind != JsonValueKind.String || !ServiceName().IsMatch(serviceElement.GetString()!))
        {
            return (null, Field("service", "must be a service's SigV4 signing name, such as secretsmanager, sns or lambda (lowercase letters, digits and '-')."));
        }

        var service = serviceElement.GetString()!;
        var isLambda = service == FaultRule.Lambda;

        string? operation = null;
        if (element.TryGetProperty("operation", out var operationElement) && operationElement.ValueKind != JsonValueKind.Null)
        {
            if (operationElement.ValueKind != JsonValueKind.String || !OperationName().IsMatch(operationElement.GetString()!))
            {
                return (null, Field("operation", "must be an operation's name, such as GetSecretValue or Publish, or null for every operation."));
            }

            operation = operationElement.GetString();
            if (isLambda && operation != FaultRule.Invoke)
            {
                return (null, Field("operation", "LocalCloud injects Lambda faults into invocations only: use Invoke, or leave it out."));
            }
        }

        string? function = null;
        if (element.TryGetProperty("function", out var functionElement) && functionElement.ValueKind != JsonValueKind.Null)
        {
            if (!isLambda)
            {
                return (null, Field("function", "applies only to service lambda."));
            }

            if (functionElement.ValueKind != JsonValueKind.String || functionElement.GetString() is not { Length: > 0 and <= MaxFunctionLength } name || name.Any(char.IsWhiteSpace))
            {
                return (null, Field("function", string.Create(CultureInfo.InvariantCulture, $"must be a function's logical id, name or ARN (1 to {MaxFunctionLength} characters, no spaces), or null for every function.")));
            }

            function = name;
        }

        var probability = 1.0;
        if (element.TryGetProperty("probability", out var probabilityElement) && probabilityElement.ValueKind != JsonValueKind.Null)
        {
            if (probabilityElement.ValueKind != JsonValueKind.Number || !probabilityElement.TryGetDouble(out probability) || !(probability is >= 0 and <= 1))
            {
                return (null, Field("probability", "must be a number from 0 to 1 (the share of matching calls the rule fires on; 1 when left out)."));
            }
        }

        var latency = 0;
        if (element.TryGetProperty("latencyMs", out var latencyElement) && latencyElement.ValueKind != JsonValueKind.Null)
        {
            if (latencyElement.ValueKind != JsonValueKind.Number || !latencyElement.TryGetInt32(out latency) || latency is < 0 or > MaxLatencyMs)
            {
                return (null, Field("latencyMs", string.Create(CultureInfo.InvariantCulture, $"must be a whole number of milliseconds from 0 to {MaxLatencyMs}.")));
            }
        }

        FaultError? error = null;
        if (element.TryGetProperty("error", out var errorElement) && errorElement.ValueKind != JsonValueKind.Null)
        {
            var (parsed, problem) = ParseError(errorElement, isLambda, Field);
            if (parsed is null)
            {
                return (null, problem);
            }

            error = parsed;
        }

        if (error is null && latency == 0)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"rule {index}: has neither an error nor a latencyMs above 0, so it would do nothing."));
        }

        return (new FaultRule(service, operation, function, error, probability, latency), null);
    }

    private static (FaultError? Error, string? Problem) ParseError(JsonElement element, bool isLambda, Func<string, string, string> field)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return (null, field("error", $"must be an object such as {{\"statusCode\":400,\"code\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}}, not {Kind(element)}."));
        }

        if (UnknownOrRepeated(element, ErrorFields) is { } odd)
        {
            return (null, field($"error.{odd.Name}", odd.Problem));
        }

        // Without a status, a service error is the client's (400), as most AWS errors are; a Lambda error is the
        // function's own, which Lambda answers with 200.
        int? status = isLambda ? null : 400;
        if (element.TryGetProperty("statusCode", out var statusElement) && statusElement.ValueKind != JsonValueKind.Null)
        {
            var range = isLambda ? "200 (a function error) or from 400 to 599 (a Lambda service error)" : "from 400 to 599";
            if (statusElement.ValueKind != JsonValueKind.Number || !statusElement.TryGetInt32(out var given) || !(given is >= 400 and <= 599 || (isLambda && given == 200)))
            {
                return (null, field("error.statusCode", $"must be a whole number {range}."));
            }

            status = given;
        }

        if (!element.TryGetProperty("code", out var codeElement) || codeElement.ValueKind == JsonValueKind.Null)
        {
            return (null, field("error.code", "is required: the error code the caller sees, such as ThrottlingException."));
        }

        if (codeElement.ValueKind != JsonValueKind.String || !ErrorCode().IsMatch(codeElement.GetString()!))
        {
            return (null, field("error.code", "must be an error code such as ThrottlingException or Runtime.ExitError (a letter, then letters, digits, '.', '_' or '-'; at most 128)."));
        }

        var code = codeElement.GetString()!;
        var message = DefaultMessage(code);
        if (element.TryGetProperty("message", out var messageElement) && messageElement.ValueKind != JsonValueKind.Null)
        {
            if (messageElement.ValueKind != JsonValueKind.String || messageElement.GetString() is not { Length: <= MaxMessageLength } text)
            {
                return (null, field("error.message", string.Create(CultureInfo.InvariantCulture, $"must be a string of at most {MaxMessageLength} characters.")));
            }

            message = text;
        }

        return (new FaultError(status, code, message), null);
    }

    private static (string Name, string Problem)? UnknownOrRepeated(JsonElement element, string[] known)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                return (property.Name, $"is not a field of this object; it has {string.Join(", ", known)}.");
            }

            if (!seen.Add(property.Name))
            {
                return (property.Name, "is given twice.");
            }
        }

        return null;
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex ServiceName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,127}$")]
    private static partial Regex OperationName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex ErrorCode();
}
