using System.Text;
using SecureLambda.LocalCloud.Faults;

namespace SecureLambda.LocalCloud.Tests.Faults;

/// <summary>
/// Reading a rule set: defaults filled in, and every kind of bad input refused as a whole, with a message that names the
/// rule's index and the field, so a developer can fix the rule from the message alone.
/// </summary>
public sealed class FaultRuleParserTests
{
    private static FaultRuleParse Parse(string json) => FaultRuleParser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void AFullRule_IsReadAsWritten()
    {
        var parsed = Parse("""[{"service":"secretsmanager","operation":"GetSecretValue","error":{"statusCode":400,"code":"ThrottlingException","message":"Rate exceeded"},"probability":0.25,"latencyMs":150}]""");

        Assert.True(parsed.IsValid, parsed.Error);
        Assert.Equal(
            new FaultRule("secretsmanager", "GetSecretValue", null, new FaultError(400, "ThrottlingException", "Rate exceeded"), 0.25, 150),
            Assert.Single(parsed.Rules!));
    }

    [Fact]
    public void LeftOutFields_TakeTheirDefaults_AServiceErrorIs400_ALambdaErrorIsTheFunctions()
    {
        var parsed = Parse("""
            [
              {"service":"sns","error":{"code":"InternalError"}},
              {"service":"lambda","function":"InternalLambda","error":{"code":"Runtime.ExitError"}},
              {"service":"sqs","latencyMs":500},
              {"service":"secretsmanager","error":{"code":"ThrottlingException"}}
            ]
            """);

        Assert.True(parsed.IsValid, parsed.Error);
        Assert.Equal(
            [
                new FaultRule("sns", null, null, new FaultError(400, "InternalError", "InternalError (a fault injected by LocalCloud)"), 1, 0),
                new FaultRule("lambda", null, "InternalLambda", new FaultError(null, "Runtime.ExitError", "Runtime.ExitError (a fault injected by LocalCloud)"), 1, 0),
                new FaultRule("sqs", null, null, null, 1, 500),
                new FaultRule("secretsmanager", null, null, new FaultError(400, "ThrottlingException", "Rate exceeded"), 1, 0),
            ],
            parsed.Rules!);
        Assert.False(parsed.Rules![1].IsLambdaServiceError);
    }

    [Fact]
    public void ALambdaErrorWithAStatusOtherThan200_IsAServiceError()
    {
        var parsed = Parse("""[{"service":"lambda","operation":"Invoke","error":{"statusCode":429,"code":"TooManyRequestsException"}},{"service":"lambda","error":{"statusCode":200,"code":"Crash"}}]""");

        Assert.True(parsed.IsValid, parsed.Error);
        Assert.True(parsed.Rules![0].IsLambdaServiceError);
        Assert.Equal("Rate exceeded", parsed.Rules[0].Error!.Message);
        Assert.False(parsed.Rules[1].IsLambdaServiceError);
    }

    [Fact]
    public void AnEmptyArray_IsNoRules() => Assert.Empty(Parse("[]").Rules!);

    [Theory]
    [InlineData("""{"service":"sns"}""", "The body must be a JSON array of rules")]
    [InlineData("""[{"service":"sns",""", "The body is not JSON")]
    [InlineData("""[] []""", "The body is not JSON")]
    [InlineData("""[42]""", "rule 0: must be a JSON object, not a number.")]
    [InlineData("""[{"latencyMs":5}]""", "rule 0, field service: is required")]
    [InlineData("""[{"service":"Secrets Manager","latencyMs":5}]""", "rule 0, field service: must be a service's SigV4 signing name")]
    [InlineData("""[{"service":7,"latencyMs":5}]""", "rule 0, field service: must be a service's SigV4 signing name")]
    [InlineData("""[{"service":"sns","latencyms":5}]""", "rule 0, field latencyms: is not a field of this object; it has service, operation, function, error, probability, latencyMs.")]
    [InlineData("""[{"service":"sns","service":"sqs","latencyMs":5}]""", "rule 0, field service: is given twice.")]
    [InlineData("""[{"service":"sns","operation":"Pub lish","latencyMs":5}]""", "rule 0, field operation: must be an operation's name")]
    [InlineData("""[{"service":"lambda","operation":"ListFunctions","latencyMs":5}]""", "rule 0, field operation: LocalCloud injects Lambda faults into invocations only")]
    [InlineData("""[{"service":"sns","function":"InternalLambda","latencyMs":5}]""", "rule 0, field function: applies only to service lambda.")]
    [InlineData("""[{"service":"lambda","function":"","latencyMs":5}]""", "rule 0, field function: must be a function's logical id, name or ARN")]
    [InlineData("""[{"service":"sns","probability":1.5,"latencyMs":5}]""", "rule 0, field probability: must be a number from 0 to 1")]
    [InlineData("""[{"service":"sns","probability":"high","latencyMs":5}]""", "rule 0, field probability: must be a number from 0 to 1")]
    [InlineData("""[{"service":"sns","latencyMs":-1}]""", "rule 0, field latencyMs: must be a whole number of milliseconds from 0 to 60000.")]
    [InlineData("""[{"service":"sns","latencyMs":60001}]""", "rule 0, field latencyMs: must be a whole number of milliseconds from 0 to 60000.")]
    [InlineData("""[{"service":"sns","latencyMs":1.5}]""", "rule 0, field latencyMs: must be a whole number")]
    [InlineData("""[{"service":"sns"}]""", "rule 0: has neither an error nor a latencyMs above 0, so it would do nothing.")]
    [InlineData("""[{"service":"sns","error":"Throttled"}]""", "rule 0, field error: must be an object")]
    [InlineData("""[{"service":"sns","error":{"message":"no code"}}]""", "rule 0, field error.code: is required")]
    [InlineData("""[{"service":"sns","error":{"code":"Bad Code"}}]""", "rule 0, field error.code: must be an error code")]
    [InlineData("""[{"service":"sns","error":{"code":"Throttled","status":429}}]""", "rule 0, field error.status: is not a field of this object; it has statusCode, code, message.")]
    [InlineData("""[{"service":"sns","error":{"code":"Throttled","statusCode":200}}]""", "rule 0, field error.statusCode: must be a whole number from 400 to 599.")]
    [InlineData("""[{"service":"sns","error":{"code":"Throttled","statusCode":600}}]""", "rule 0, field error.statusCode: must be a whole number from 400 to 599.")]
    [InlineData("""[{"service":"lambda","error":{"code":"Crash","statusCode":302}}]""", "rule 0, field error.statusCode: must be a whole number 200 (a function error) or from 400 to 599")]
    [InlineData("""[{"service":"sns","error":{"code":"Throttled","message":42}}]""", "rule 0, field error.message: must be a string")]
    [InlineData("""[{"service":"sns","latencyMs":5},{"service":"sqs","latencyMs":5},{"service":"sqs"}]""", "rule 2: has neither an error nor a latencyMs above 0")]
    public void BadInput_IsRefused_NamingTheRuleAndTheField(string json, string expected)
    {
        var parsed = Parse(json);

        Assert.False(parsed.IsValid);
        Assert.Null(parsed.Rules);
        Assert.Contains(expected, parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void MoreThanTheMostRules_IsRefused()
    {
        var rules = string.Join(',', Enumerable.Repeat("""{"service":"sns","latencyMs":1}""", FaultRuleParser.MaxRules + 1));

        Assert.Contains($"At most {FaultRuleParser.MaxRules} rules", Parse($"[{rules}]").Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ALongMessage_IsRefused() =>
        Assert.Contains("rule 0, field error.message: must be a string of at most 1024 characters.",
            Parse($$$"""[{"service":"sns","error":{"code":"Throttled","message":"{{{new string('x', 1025)}}}"}}]""").Error, StringComparison.Ordinal);
}
