using System.Globalization;
using System.Text.Json.Serialization;

namespace SecureLambda.LocalCloud.Faults;

/// <summary>
/// The error a fault rule answers with. For a Lambda rule, no status (or 200) is a function error: the invocation
/// fails as if the function had thrown, <c>{"errorType": Code, "errorMessage": Message}</c>; any other status is a
/// Lambda service error (<see cref="FaultRule.IsLambdaServiceError"/>).
/// </summary>
public sealed record FaultError(
    [property: JsonPropertyName("statusCode"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? StatusCode,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message);

/// <summary>
/// One fault rule: which calls it matches (a service by its SigV4 signing name, optionally one operation and, for
/// Lambda, one function by logical id, name or ARN), how often it fires, how long it delays and what it answers.
/// </summary>
public sealed record FaultRule(
    [property: JsonPropertyName("service")] string Service,
    [property: JsonPropertyName("operation"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Operation,
    [property: JsonPropertyName("function"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Function,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FaultError? Error,
    [property: JsonPropertyName("probability")] double Probability,
    [property: JsonPropertyName("latencyMs")] int LatencyMs)
{
    public const string Lambda = "lambda";

    /// <summary>The one Lambda operation faults apply to: every invocation, whoever makes it.</summary>
    public const string Invoke = "Invoke";

    /// <summary>
    /// A Lambda rule whose error has a status other than 200: on the Invoke API it is Lambda's own answer (for example
    /// 429 <c>TooManyRequestsException</c>, https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors);
    /// for an invocation made inside the stack (the gateway, SNS, an Event invoke) a 429 is a throttle and anything
    /// else a function error.
    /// </summary>
    [JsonIgnore]
    public bool IsLambdaServiceError => Service == Lambda && Error is { StatusCode: { } status } && status != 200;

    /// <summary>How the log names a rule: <c>secretsmanager.GetSecretValue → 400 ThrottlingException, 0 ms, p=1</c>.</summary>
    public override string ToString()
    {
        var target = Operation is null ? Service : $"{Service}.{Operation}";
        if (Function is not null)
        {
            target += $" ({Function})";
        }

        var outcome = Error is null ? "delay only" : Error.StatusCode is { } status ? $"{status} {Error.Code}" : Error.Code;
        return string.Create(CultureInfo.InvariantCulture, $"{target} → {outcome}, {LatencyMs} ms, p={Probability}");
    }
}
