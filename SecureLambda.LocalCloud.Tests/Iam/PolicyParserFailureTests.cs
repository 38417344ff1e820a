using System.Text.Json.Nodes;
using SecureLambda.LocalCloud.Iam;
using static SecureLambda.LocalCloud.Tests.Iam.IamFixtures;

namespace SecureLambda.LocalCloud.Tests.Iam;

/// <summary>A policy LocalCloud cannot evaluate exactly fails when parsed, naming the policy and element; nothing is skipped.</summary>
public sealed class PolicyParserFailureTests
{
    private static PolicyNotEvaluableException Fails(string json, PolicyType type = PolicyType.IdentityBased) =>
        Assert.Throws<PolicyNotEvaluableException>(() => PolicyDocument.Parse("ExternalLambda1", JsonNode.Parse(json)!, type));

    private static void AssertNames(PolicyNotEvaluableException error, params string[] parts)
    {
        Assert.Contains("Policy 'ExternalLambda1'", error.Message, StringComparison.Ordinal);
        foreach (var part in parts)
        {
            Assert.Contains(part, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UnknownConditionOperator_NamesPolicyStatementAndOperator()
    {
        var error = Fails(Policy("""{"Sid":"Tags","Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:Foo":{"aws:TagKeys":"a"}}}"""));

        AssertNames(error, "Statement[0] (Sid Tags)", "Condition operator ForAllValues:Foo");
        Assert.Equal("ExternalLambda1", error.PolicyName);
    }

    [Fact]
    public void PolicyVariable_InResource_IsRefusedNamingTheVariable()
    {
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
        var error = Fails(Policy("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/${aws:username}/*"}"""));

        AssertNames(error, "Resource", "policy variable ${aws:username}");
    }

    [Fact]
    public void PolicyVariable_InConditionValue_IsRefused()
    {
        var error = Fails(Policy("""{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"${aws:PrincipalTag/owner}"}}}"""));

        AssertNames(error, "Condition StringEquals aws:PrincipalTag/team", "policy variable ${aws:PrincipalTag/owner}");
    }

    [Fact]
    public void UnknownStatementElement_IsRefused()
    {
        var error = Fails(Policy("""{"Effect":"Allow","Action":"*","Resource":"*","Foo":"bar"}"""));

        AssertNames(error, "Statement[0] element Foo");
    }

    [Fact]
    public void UnknownDocumentElement_IsRefused() =>
        AssertNames(Fails("""{"Version":"2012-10-17","Statement":[],"Foo":1}"""), "element Foo");

    [Fact]
    public void UnknownVersion_IsRefused() =>
        AssertNames(Fails("""{"Version":"2020-01-01","Statement":[]}"""), "Version", "2020-01-01");

    [Fact]
    public void Principal_InIdentityPolicy_IsRefused()
    {
        // "You cannot use the Principal element in an identity-based policy."
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
        var error = Fails(Policy("""{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}"""));

        AssertNames(error, "Principal");
    }

    [Fact]
    public void ResourcePolicyStatement_WithoutPrincipal_IsRefused() =>
        AssertNames(Fails(Policy("""{"Effect":"Allow","Action":"*","Resource":"*"}"""), PolicyType.ResourceBased), "Principal");

    [Fact]
    public void NotPrincipal_WithAllow_IsRefused()
    {
        // "NotPrincipal must be used with "Effect":"Deny"." https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
        var error = Fails(Policy("""{"Effect":"Allow","NotPrincipal":{"AWS":"123456789012"},"Action":"*","Resource":"*"}"""), PolicyType.ResourceBased);

        AssertNames(error, "NotPrincipal");
    }

    [Theory]
    [InlineData("""{"Federated":"cognito-identity.amazonaws.com"}""", "Principal Federated")]
    [InlineData("""{"AWS":"arn:aws:iam::123456789012:role/dev-*"}""", "cannot hold wildcards")]
    [InlineData("""{"AWS":"not-a-principal"}""", "not-a-principal")]
    public void UnsupportedPrincipal_IsRefused(string principal, string expected) =>
        AssertNames(Fails(Policy($$"""{"Effect":"Deny","Principal":{{principal}},"Action":"*","Resource":"*"}"""), PolicyType.ResourceBased), expected);

    [Theory]
    [InlineData("""{"Effect":"Permit","Action":"*","Resource":"*"}""", "Effect")]
    [InlineData("""{"Effect":"Allow","Resource":"*"}""", "Action")]
    [InlineData("""{"Effect":"Allow","Action":"*","NotAction":"sns:*","Resource":"*"}""", "Action")]
    [InlineData("""{"Effect":"Allow","Action":"*"}""", "Resource")]
    [InlineData("""{"Effect":"Allow","Action":"Publish","Resource":"*"}""", "not an action")]
    [InlineData("""{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"n":"ten"}}}""", "'ten' is not a number")]
    [InlineData("""{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}""", "'yes' is not true or false")]
    [InlineData("""{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}""", "not an IP address")]
    [InlineData("""{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"soon"}}}""", "not an ISO 8601 date")]
    [InlineData("""{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"BinaryEquals":{"k":"QmluYXJ5"}}}""", "Condition operator BinaryEquals")]
    [InlineData("""{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:Null":{"k":"true"}}}""", "Condition operator ForAnyValue:Null")]
    [InlineData("""{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"stringequals":{"k":"a"}}}""", "Condition operator stringequals")]
    public void MalformedStatement_IsRefusedNamingTheElement(string statement, string expected) =>
        AssertNames(Fails(Policy(statement)), expected);
}
