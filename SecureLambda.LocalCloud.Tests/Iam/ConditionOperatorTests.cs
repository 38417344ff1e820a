using SecureLambda.LocalCloud.Iam;
using static SecureLambda.LocalCloud.Tests.Iam.IamFixtures;

namespace SecureLambda.LocalCloud.Tests.Iam;

/// <summary>
/// Condition operators and their missing-key rules.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
/// </summary>
public sealed class ConditionOperatorTests
{
    /// <summary>Whether an Allow-all statement with <paramref name="condition"/> allows a request with <paramref name="context"/>.</summary>
    private static bool Holds(string condition, params (string Key, string[] Values)[] context)
    {
        var policy = Identity(Policy($$"""{"Effect":"Allow","Action":"*","Resource":"*","Condition":{{condition}}}"""));
        var keys = context.ToDictionary(c => c.Key, c => (IReadOnlyList<string>)c.Values, StringComparer.Ordinal);
        return Evaluate(WithContext(keys), [policy]).IsAllowed;
    }

    private static (string, string[]) Key(string key, params string[] values) => (key, values);

    [Theory]
    [InlineData("StringEquals", "prod", true)]
    [InlineData("StringEquals", "Prod", false)]
    [InlineData("StringNotEquals", "prod", false)]
    [InlineData("StringNotEquals", "dev", true)]
    [InlineData("StringEqualsIgnoreCase", "PROD", true)]
    [InlineData("StringNotEqualsIgnoreCase", "PROD", false)]
    [InlineData("StringLike", "prod", true)]
    [InlineData("StringNotLike", "prod", false)]
    public void StringOperators_CompareAsDocumented(string op, string value, bool holds) =>
        Assert.Equal(holds, Holds($$"""{"{{op}}":{"aws:ResourceTag/env":"prod"} }""", Key("aws:ResourceTag/env", value)));

    [Theory]
    [InlineData("dev-*", "dev-GreetingTopic", true)]
    [InlineData("dev-?", "dev-1", true)]
    [InlineData("dev-?", "dev-12", false)]
    [InlineData("DEV-*", "dev-x", false)]
    [InlineData("dev-*", "prod-x", false)]
    public void StringLike_UsesWildcards_CaseSensitively(string pattern, string value, bool holds) =>
        Assert.Equal(holds, Holds($$"""{"StringLike":{"k":"{{pattern}}"} }""", Key("k", value)));

    [Fact]
    public void StringEquals_DoesNotTreatStarAsWildcard() =>
        Assert.False(Holds("""{"StringEquals":{"k":"*"}}""", Key("k", "anything")));

    [Fact]
    public void ValuesOfOneKey_AreOred()
    {
        Assert.True(Holds("""{"StringEquals":{"k":["a","b"]}}""", Key("k", "b")));
        Assert.False(Holds("""{"StringEquals":{"k":["a","b"]}}""", Key("k", "c")));
    }

    [Fact]
    public void NegatedOperator_WithSeveralValues_IsNor()
    {
        Assert.False(Holds("""{"StringNotEquals":{"k":["a","b"]}}""", Key("k", "b")));
        Assert.True(Holds("""{"StringNotEquals":{"k":["a","b"]}}""", Key("k", "c")));
    }

    [Fact]
    public void KeysAndOperators_AreAnded()
    {
        const string condition = """{"StringEquals":{"a":"1","b":"2"},"Bool":{"c":"true"}}""";

        Assert.True(Holds(condition, Key("a", "1"), Key("b", "2"), Key("c", "true")));
        Assert.False(Holds(condition, Key("a", "1"), Key("b", "3"), Key("c", "true")));
        Assert.False(Holds(condition, Key("a", "1"), Key("b", "2"), Key("c", "false")));
    }

    [Fact]
    public void ConditionKeyNames_AreCaseInsensitive() =>
        Assert.True(Holds("""{"StringEquals":{"AWS:RequestedRegion":"eu-west-1"}}""", Key("aws:requestedregion", "eu-west-1")));

    [Theory]
    [InlineData("StringEquals", false)]
    [InlineData("StringLike", false)]
    [InlineData("NumericLessThan", false)]
    [InlineData("Bool", false)]
    [InlineData("ArnEquals", false)]
    [InlineData("IpAddress", false)]
    [InlineData("DateGreaterThan", false)]
    [InlineData("StringNotEquals", true)]
    [InlineData("StringNotLike", true)]
    [InlineData("NumericNotEquals", true)]
    [InlineData("ArnNotLike", true)]
    [InlineData("NotIpAddress", true)]
    [InlineData("DateNotEquals", true)]
    public void MissingKey_MakesPositiveOperatorFalse_AndNegatedOperatorTrue(string op, bool holds)
    {
        // "If the key that you specify in a policy condition is not present in the request context, the values do not
        // match and the condition is false. If the policy condition requires that the key is not matched, such as
        // StringNotLike or ArnNotLike, and the right key is not present, the condition is true."
        var value = op switch
        {
            "NumericLessThan" or "NumericNotEquals" => "5",
            "Bool" => "true",
            "ArnEquals" or "ArnNotLike" => TopicArn,
            "IpAddress" or "NotIpAddress" => "203.0.113.0/24",
            "DateGreaterThan" or "DateNotEquals" => "2020-01-01T00:00:00Z",
            _ => "x",
        };

        Assert.Equal(holds, Holds($$"""{"{{op}}":{"missing:key":"{{value}}"} }"""));
    }

    [Fact]
    public void IfExists_MakesAMissingKeyTrue_AndChecksAPresentOne()
    {
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
        Assert.True(Holds("""{"StringEqualsIfExists":{"k":"a"}}"""));
        Assert.True(Holds("""{"StringEqualsIfExists":{"k":"a"}}""", Key("k", "a")));
        Assert.False(Holds("""{"StringEqualsIfExists":{"k":"a"}}""", Key("k", "b")));
        Assert.True(Holds("""{"NumericLessThanIfExists":{"n":"3"}}"""));
    }

    [Fact]
    public void Null_ChecksPresenceOnly()
    {
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
        Assert.True(Holds("""{"Null":{"k":"true"}}"""));
        Assert.False(Holds("""{"Null":{"k":"true"}}""", Key("k", "x")));
        Assert.True(Holds("""{"Null":{"k":"false"}}""", Key("k", "x")));
        Assert.False(Holds("""{"Null":{"k":"false"}}"""));
    }

    [Theory]
    [InlineData("NumericEquals", "10", "10.0", true)]
    [InlineData("NumericNotEquals", "10", "11", true)]
    [InlineData("NumericLessThan", "10", "9", true)]
    [InlineData("NumericLessThan", "10", "10", false)]
    [InlineData("NumericLessThanEquals", "10", "10", true)]
    [InlineData("NumericGreaterThan", "10", "10", false)]
    [InlineData("NumericGreaterThan", "10", "10.5", true)]
    [InlineData("NumericGreaterThanEquals", "10", "10", true)]
    [InlineData("NumericEquals", "10", "ten", false)]
    public void NumericOperators_CompareNumbers(string op, string policyValue, string requestValue, bool holds) =>
        Assert.Equal(holds, Holds($$"""{"{{op}}":{"n":"{{policyValue}}"} }""", Key("n", requestValue)));

    [Theory]
    [InlineData("DateLessThan", "2027-01-01T00:00:00Z", true)]
    [InlineData("DateGreaterThan", "2027-01-01T00:00:00Z", false)]
    [InlineData("DateGreaterThanEquals", "2026-12-02T12:00:00Z", true)]
    [InlineData("DateLessThanEquals", "2026-12-02T12:00:00Z", true)]
    [InlineData("DateEquals", "2026-12-02T12:00:00Z", true)]
    [InlineData("DateNotEquals", "2026-12-02T12:00:00Z", false)]
    [InlineData("DateLessThan", "1798200000", true)]
    public void DateOperators_CompareAwsCurrentTime(string op, string policyValue, bool holds)
    {
        // aws:CurrentTime is ISO 8601; dates may also be written as epoch seconds.
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
        var policy = Identity(Policy($$"""{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"{{op}}":{"aws:CurrentTime":"{{policyValue}}"} } }"""));

        Assert.Equal(holds, Evaluate(Request(External1, "sns:Publish", TopicArn), [policy]).IsAllowed);
    }

    [Fact]
    public void DateOperator_ComparesAwsEpochTime()
    {
        var policy = Identity(Policy("""{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:EpochTime":"1764676800"}}}"""));

        Assert.True(Evaluate(Request(External1, "sns:Publish", TopicArn), [policy]).IsAllowed);
    }

    [Theory]
    [InlineData("\"false\"", false, true)]
    [InlineData("\"false\"", true, false)]
    [InlineData("false", false, true)]
    [InlineData("\"true\"", true, true)]
    public void Bool_MatchesAwsSecureTransport_FromStringOrJsonBoolean(string policyValue, bool secure, bool holds)
    {
        // CloudFormation may hand the value over as a string or as a JSON boolean.
        var policy = Identity(Policy($$"""{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":{{policyValue}}} } }"""));

        Assert.Equal(holds, Evaluate(Request(External1, "sns:Publish", TopicArn, secure), [policy]).IsAllowed);
    }

    [Theory]
    [InlineData("IpAddress", "203.0.113.0/24", "203.0.113.9", true)]
    [InlineData("IpAddress", "203.0.113.0/24", "198.51.100.1", false)]
    [InlineData("IpAddress", "203.0.113.7", "203.0.113.7", true)]
    [InlineData("IpAddress", "2001:db8::/32", "2001:db8::1", true)]
    [InlineData("IpAddress", "203.0.113.0/24", "not-an-ip", false)]
    [InlineData("NotIpAddress", "203.0.113.0/24", "198.51.100.1", true)]
    [InlineData("NotIpAddress", "203.0.113.0/24", "203.0.113.9", false)]
    public void IpAddressOperators_MatchCidrRanges(string op, string range, string sourceIp, bool holds) =>
        Assert.Equal(holds, Holds($$"""{"{{op}}":{"aws:SourceIp":"{{range}}"} }""", Key("aws:SourceIp", sourceIp)));

    [Theory]
    [InlineData("ArnEquals", TopicArn, true)]
    [InlineData("ArnLike", "arn:aws:sns:*:123456789012:dev-*", true)]
    [InlineData("ArnLike", "arn:aws:sns:eu-west-1:123456789012:DEV-*", false)]
    [InlineData("ArnLike", "arn:aws:sqs:*:*:*", false)]
    [InlineData("ArnNotEquals", TopicArn, false)]
    [InlineData("ArnNotLike", "arn:aws:sqs:*:*:*", true)]
    public void ArnOperators_MatchComponentWise(string op, string pattern, bool holds) =>
        Assert.Equal(holds, Holds($$"""{"{{op}}":{"aws:SourceArn":"{{pattern}}"} }""", Key("aws:SourceArn", TopicArn)));

    [Fact]
    public void ArnLike_WildcardDoesNotSpanComponents()
    {
        // Each of the six colon-delimited components is checked separately.
        Assert.False(Holds("""{"ArnLike":{"k":"arn:aws:*:123456789012:dev-GreetingTopic:*"}}""", Key("k", TopicArn)));
        Assert.True(Holds("""{"ArnLike":{"k":"arn:aws:sns:eu-west-1:*:*"}}""", Key("k", TopicArn)));
        Assert.Throws<PolicyNotEvaluableException>(() => Holds("""{"ArnLike":{"k":"arn:aws:sns:eu-west-1:*"}}""", Key("k", TopicArn)));
    }

    [Fact]
    public void ForAllValues_HoldsWhenEveryRequestValueMatches_AndForAMissingKey()
    {
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
        const string condition = """{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}""";

        Assert.True(Holds(condition, Key("aws:TagKeys", "env", "team")));
        Assert.False(Holds(condition, Key("aws:TagKeys", "env", "cost")));
        Assert.True(Holds(condition));
    }

    [Fact]
    public void ForAnyValue_HoldsWhenSomeRequestValueMatches_AndNotForAMissingKey()
    {
        const string condition = """{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}}""";

        Assert.True(Holds(condition, Key("aws:TagKeys", "cost", "team")));
        Assert.False(Holds(condition, Key("aws:TagKeys", "cost", "owner")));
        Assert.False(Holds(condition));
        Assert.True(Holds("""{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":"env"}}"""));
    }

    [Fact]
    public void ForAllValues_WithNegatedOperator_NeedsEveryValueToMissThePolicyValues()
    {
        // As in the ForAllValues:StringNotLike table of
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition_examples-multi-valued-context-keys.html
        const string condition = """{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}""";

        Assert.True(Holds(condition, Key("aws:TagKeys", "env", "team")));
        Assert.False(Holds(condition, Key("aws:TagKeys", "env", "secret")));
    }
}
