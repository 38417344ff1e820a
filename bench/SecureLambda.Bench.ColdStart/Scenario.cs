using System.Text.Json;
using SecureLambda.Testing;

namespace SecureLambda.Bench.ColdStart;

/// <summary>
/// One way of cold-starting the function: its environment, the first event, and what the answer must be. A run whose
/// answer is not the expected one is a failure, never a data point.
/// </summary>
internal sealed record Scenario(
    string Name,
    string FunctionName,
    string Payload,
    IReadOnlyDictionary<string, string> Environment,
    Func<InvocationOutcome, string?> Check)
{
    public const string Internal = "internal";
    public const string External = "external";
    public const string InternalOtlp = "internal+otlp";

    public const string GreeterName = "ExternalLambda1";

    private const string SnsEvent =
        """{"Records":[{"EventSource":"aws:sns","EventVersion":"1.0","Sns":{"Type":"Notification","MessageId":"m1","TopicArn":"arn:aws:sns:us-east-1:123456789012:greetings","Message":"Ada","Timestamp":"2026-11-25T08:00:00.000Z"}}]}""";

    private const string ProxyEvent =
        """{"resource":"/lambda1","path":"/lambda1","httpMethod":"POST","requestContext":{"requestId":"r1","authorizer":{"claims":{"cognito:username":"u1"}}},"body":"{\"name\":\"Ada\"}","isBase64Encoded":false}""";

    /// <summary>The SNS-triggered function: no AWS calls, so this is the runtime plus handler cold start alone.</summary>
    public static Scenario ForInternal(IReadOnlyDictionary<string, string> awsEnvironment) =>
        new(Internal, "InternalLambda", SnsEvent, WithHandler(awsEnvironment, Internal), CheckInternal);

    /// <summary>
    /// The internal function with OTLP export switched on (it is off unless <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set),
    /// exporting over http/protobuf to a local sink that answers 200: what the telemetry pipeline adds to a cold start.
    /// </summary>
    public static Scenario ForInternalWithOtlp(IReadOnlyDictionary<string, string> awsEnvironment, Uri otlpEndpoint)
    {
        var environment = WithHandler(awsEnvironment, Internal);
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint.ToString().TrimEnd('/');
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        environment["OTEL_SERVICE_NAME"] = "InternalLambda";
        return new(InternalOtlp, "InternalLambda", SnsEvent, environment, CheckInternal);
    }

    /// <summary>
    /// The API Gateway function: its first invocation reads the topic secret and publishes to SNS (moto), so this includes
    /// the first-call cost of the AWS clients (SigV4, JSON and Query protocols, a fresh HTTP connection).
    /// </summary>
    public static Scenario ForExternal(IReadOnlyDictionary<string, string> awsEnvironment)
    {
        var environment = WithHandler(awsEnvironment, External);
        environment["GREETER_NAME"] = GreeterName;
        return new(External, GreeterName, ProxyEvent, environment, CheckExternal);
    }

    private static Dictionary<string, string> WithHandler(IReadOnlyDictionary<string, string> awsEnvironment, string handler) =>
        new(awsEnvironment) { ["_HANDLER"] = handler };

    private static string? CheckInternal(InvocationOutcome outcome) =>
        !outcome.IsError && outcome.Body == """{"Processed":1}"""
            ? null
            : $"expected a response {{\"Processed\":1}}, got {Describe(outcome)}";

    private static string? CheckExternal(InvocationOutcome outcome)
    {
        const string expectedMessage = $"Hello Ada. Greetings from {GreeterName}!";
        if (outcome.IsError)
        {
            return $"expected statusCode 200, got {Describe(outcome)}";
        }

        try
        {
            var response = JsonDocument.Parse(outcome.Body).RootElement;
            var statusCode = response.GetProperty("statusCode").GetInt32();
            var body = response.GetProperty("body").GetString() ?? string.Empty;
            return statusCode == 200 && body.Contains(expectedMessage, StringComparison.Ordinal)
                ? null
                : $"expected statusCode 200 with \"{expectedMessage}\", got {Describe(outcome)}";
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"expected an API Gateway proxy response, got {Describe(outcome)}";
        }
    }

    private static string Describe(InvocationOutcome outcome) =>
        $"{(outcome.IsError ? $"an error post ({outcome.ErrorTypeHeader})" : "a response")}: {outcome.Body}";
}
