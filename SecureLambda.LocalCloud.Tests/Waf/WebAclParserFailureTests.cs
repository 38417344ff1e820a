using SecureLambda.CloudFormation;
using SecureLambda.LocalCloud.Waf;
using static SecureLambda.LocalCloud.Tests.Waf.WafTestAcls;

namespace SecureLambda.LocalCloud.Tests.Waf;

/// <summary>Whatever LocalCloud cannot evaluate as AWS does fails at startup, naming the rule; nothing is skipped.</summary>
public sealed class WebAclParserFailureTests
{
    [Fact]
    public void FailsNamingRuleAndType_WhenStatementTypeIsNotEmulated()
    {
        var byteMatch = """{"ByteMatchStatement":{"SearchString":"bad","FieldToMatch":{"UriPath":{}},"TextTransformations":[{"Priority":0,"Type":"NONE"}],"PositionalConstraint":"CONTAINS"}}""";

        var error = Assert.Throws<UnsupportedTemplateException>(() => Parse(Acl("acl", "Allow", Rule("BlockBadUris", 0, "Block", byteMatch))));

        Assert.Contains("rule 'BlockBadUris'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ByteMatchStatement", error.Message, StringComparison.Ordinal);
        Assert.Contains("not emulated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailsNamingRuleAndType_WhenUnsupportedStatementIsNestedInNot()
    {
        var error = Assert.Throws<UnsupportedTemplateException>(() => Parse(Acl("acl", "Allow",
            Rule("NotFromThere", 0, "Block", Not("""{"GeoMatchStatement":{"CountryCodes":["NL"]}}""")))));

        Assert.Contains("rule 'NotFromThere'", error.Message, StringComparison.Ordinal);
        Assert.Contains("GeoMatchStatement", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Captcha")]
    [InlineData("Challenge")]
    public void FailsNamingRule_WhenActionIsCaptchaOrChallenge(string action)
    {
        var error = Assert.Throws<UnsupportedTemplateException>(() => Parse(Acl("acl", "Allow", Rule("HumansOnly", 0, action, InV4))));

        Assert.Contains("rule 'HumansOnly'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"action {action} is not emulated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_WhenBlockHasCustomResponse()
    {
        var acl = Acl("acl", "Allow", Rule("R", 0, "Block", InV4)).Replace("\"Block\":{}", "\"Block\":{\"CustomResponse\":{\"ResponseCode\":418}}", StringComparison.Ordinal);

        var error = Assert.Throws<UnsupportedTemplateException>(() => Parse(acl));

        Assert.Contains("CustomResponse", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_WhenRateBasedStatementIsNested()
    {
        var error = Assert.Throws<UnsupportedTemplateException>(() => Parse(Acl("acl", "Allow", Rule("NestedRate", 0, "Block", Not(RateBased(100))))));

        Assert.Contains("rule 'NestedRate'", error.Message, StringComparison.Ordinal);
        Assert.Contains("top-level", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(",\"EvaluationWindowSec\":90", "EvaluationWindowSec 90")]
    [InlineData(",\"AggregateKeyType\":\"CUSTOM_KEYS\"", "AggregateKeyType CUSTOM_KEYS")]
    public void FailsNamingRule_WhenRateBasedSettingIsNotEmulatedOrInvalid(string extra, string expected)
    {
        var statement = RateBased(100).Replace(",\"AggregateKeyType\":\"IP\"", extra, StringComparison.Ordinal);

        var error = Assert.Throws<UnsupportedTemplateException>(() => Parse(Acl("acl", "Allow", Rule("Rate", 0, "Block", statement))));

        Assert.Contains("rule 'Rate'", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_WhenRateLimitIsBelowTheAwsMinimum()
    {
        var error = Assert.Throws<UnsupportedTemplateException>(() => Parse(Acl("acl", "Allow", Rule("Rate", 0, "Block", RateBased(9)))));

        Assert.Contains("Limit 9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_WhenIpSetArnIsUnknown()
    {
        var statement = """{"IPSetReferenceStatement":{"Arn":"arn:aws:wafv2:us-east-1:000000000000:regional/ipset/nope/9"}}""";

        var error = Assert.Throws<UnsupportedTemplateException>(() => Parse(Acl("acl", "Allow", Rule("Missing", 0, "Block", statement))));

        Assert.Contains("rule 'Missing'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ipset/nope/9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_WhenPrioritiesRepeat()
    {
        var error = Assert.Throws<UnsupportedTemplateException>(() => Parse(Acl("acl", "Allow", Rule("A", 1, "Block", InV4), Rule("B", 1, "Count", InV6))));

        Assert.Contains("priority 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("2001:db8::/32")]
    [InlineData("10.0.0.0")]
    public void Fails_WhenIpSetAddressIsNotAnAcceptedCidrOfItsVersion(string cidr)
    {
        var ipSet = IpSet("BadIpSet", $$$"""{"Name":"bad","IPAddressVersion":"IPV4","Addresses":["{{{cidr}}}"]}""");
        var acl = WebAclProperties(Acl("acl", "Allow", Rule("R", 0, "Block", InV4)));

        var error = Assert.Throws<UnsupportedTemplateException>(() => WebAcl.FromTemplate(acl, _ => ipSet));

        Assert.Contains("IP set 'bad'", error.Message, StringComparison.Ordinal);
        Assert.Contains(cidr, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailureNamesTheWebAcl_AndThePathOfTheNestedStatement()
    {
        var nested = """{"AndStatement":{"Statements":[""" + InV4 + ""","""
            + """{"GeoMatchStatement":{"CountryCodes":["NL"]}}]}}""";

        var error = Assert.Throws<UnsupportedTemplateException>(() => Parse(Acl("acl", "Allow", Rule("R", 0, "Block", InV4), Rule("Geo", 1, "Block", nested))));

        Assert.Equal(WebAclLogicalId, error.LogicalId);
        Assert.Equal(WebAclType, error.ResourceType);
        Assert.Contains("Rules[1].Statement.AndStatement.Statements[1].GeoMatchStatement", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailureNamesTheRule_AndItsPath_WhenPriorityIsNotAnInteger()
    {
        var error = Assert.Throws<UnsupportedTemplateException>(() => Parse(Acl("acl", "Allow", Rule("R", "first", "Block", InV4))));

        Assert.Equal(WebAclLogicalId, error.LogicalId);
        Assert.Contains("Rules[0].Priority must be an integer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailureNamesTheIpSetResource_AndTheAddressEntry_WhenACidrIsInvalid()
    {
        var ipSet = IpSet("BadIpSet", """{"Name":"bad","IPAddressVersion":"IPV4","Addresses":["10.0.0.0/8","10.0.0.0"]}""");

        var error = Assert.Throws<UnsupportedTemplateException>(() => WebAcl.FromTemplate(WebAclProperties(Acl("acl", "Allow", Rule("R", 0, "Block", InV4))), _ => ipSet));

        Assert.Equal("BadIpSet", error.LogicalId);
        Assert.Equal(IpSetType, error.ResourceType);
        Assert.Contains("Addresses[1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailureNamesTheIpSetResource_WhenAnAddressIsNotAString()
    {
        var ipSet = IpSet("BadIpSet", """{"Name":"bad","IPAddressVersion":"IPV4","Addresses":[{"Cidr":"10.0.0.0/8"}]}""");

        var error = Assert.Throws<UnsupportedTemplateException>(() => WebAcl.FromTemplate(WebAclProperties(Acl("acl", "Allow", Rule("R", 0, "Block", InV4))), _ => ipSet));

        Assert.Equal("BadIpSet", error.LogicalId);
        Assert.Contains("Addresses[0] must be a string", error.Message, StringComparison.Ordinal);
    }
}
