using System.Text.Json.Nodes;
using SecureLambda.CloudFormation.Intrinsics;
using Xunit;

namespace SecureLambda.CloudFormation.Tests;

public sealed class WafPolicyTests
{
    private static readonly CloudFormationTemplate Template = SecureLambdaTemplate.Template;

    [Fact]
    public void WebAcl_IsAssociatedWithTheApiStage()
    {
        var association = Assert.Single(
            Template.OfType("AWS::WAFv2::WebACLAssociation"), a => IntrinsicReferences.GetAttTarget(a.Properties["WebACLArn"])?.LogicalId == "GreetingWebAcl");

        Assert.Equal(("GreetingWebAcl", "Arn"), IntrinsicReferences.GetAttTarget(association.Properties["WebACLArn"]));
        Assert.Equal(
            "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${GreetingApi}/stages/${GreetingApiStage}",
            IntrinsicReferences.SubTemplate(association.Properties["ResourceArn"]));
        Assert.Equal("AWS::ApiGateway::Stage", Template.Resource("GreetingApiStage").Type);
        Assert.Equal("REGIONAL", Template.Resource("GreetingWebAcl").Text("Scope"));
    }

    [Fact]
    public void FirstRule_CountsOrBlocksEveryAddressOutsideTheAllowedSets()
    {
        var rule = Rule("AllowedCidrsOnly");
        Assert.Equal("0", (string?)rule["Priority"]);

        var inner = rule["Statement"]?["NotStatement"]?["Statement"];
        var references = inner?["OrStatement"]?["Statements"]?.AsArray().Select(s => s?["IPSetReferenceStatement"]?["Arn"])
            ?? [inner?["IPSetReferenceStatement"]?["Arn"]];
        var sets = references.Select(Template.Target).ToList();
        Assert.Contains(sets, set => set?.LogicalId == "AllowedIpSet");
        Assert.All(sets, set => Assert.Equal("AWS::WAFv2::IPSet", set?.Type));
        Assert.Equal("AllowedCidrs", IntrinsicReferences.RefTarget(Template.Resource("AllowedIpSet").Properties["Addresses"]));

        var action = rule["Action"]?["Fn::If"]?.AsArray();
        Assert.NotNull(action);
        Assert.Equal("WafIpRuleBlocks", (string?)action[0]);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["Block"] = new JsonObject() }, action[1]));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["Count"] = new JsonObject() }, action[2]));
        Assert.Equal("Count", (string?)Template.Parameters["WafIpRuleAction"].Default);
    }

    [Fact]
    public void AllowAllDefaults_AvoidTheSlashZeroThatWafRejects()
    {
        Assert.Equal("0.0.0.0/1,128.0.0.0/1", (string?)Template.Parameters["AllowedCidrs"].Default);
        Assert.Equal("::/1,8000::/1", (string?)Template.Parameters["AllowedIpv6Cidrs"].Default);
    }

    [Fact]
    public void SecondRule_BlocksASourceIpAboveTheRateLimit()
    {
        var rule = Rule("RatePerSourceIp");
        var statement = rule["Statement"]?["RateBasedStatement"];

        Assert.Equal("1", (string?)rule["Priority"]);
        Assert.Equal("WafRateLimit", IntrinsicReferences.RefTarget(statement?["Limit"]));
        Assert.Equal("IP", (string?)statement?["AggregateKeyType"]);
        Assert.NotNull(rule["Action"]?["Block"]);
        // AWS WAF accepts rate limits of 10 or more: https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatement.html
        Assert.Equal("10", Template.Parameters["WafRateLimit"].MinValue?.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void WebAclAndEveryRule_HaveVisibility()
    {
        var acl = Template.Resource("GreetingWebAcl");
        Assert.NotNull(acl.Properties["VisibilityConfig"]?["MetricName"]);
        Assert.Equal(7, acl.Properties["Rules"]!.AsArray().Count);
        foreach (var webAcl in Template.OfType("AWS::WAFv2::WebACL"))
        {
            Assert.Equal("true", (string?)webAcl.Properties["VisibilityConfig"]?["CloudWatchMetricsEnabled"]);
            Assert.All(webAcl.Properties["Rules"]!.AsArray(), r => Assert.Equal("true", (string?)r?["VisibilityConfig"]?["CloudWatchMetricsEnabled"]));
        }
    }

    /// <summary>
    /// Issue 8: anonymous floods used up the stage's throttle budget. WAF runs before API Gateway, so a rule that blocks
    /// every request without an Authorization header keeps them out of the throttle: NOT(size of the header > 0).
    /// https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-size-constraint-match.html
    /// </summary>
    [Fact]
    public void StarveTheStage_Anonymously_IsBlockedByWaf_BeforeTheThrottleCountsIt()
    {
        var rule = Rule("RequireAuthorizationHeader");
        var size = rule["Statement"]?["NotStatement"]?["Statement"]?["SizeConstraintStatement"];

        Assert.NotNull(rule["Action"]?["Block"]);
        Assert.Equal("authorization", (string?)size?["FieldToMatch"]?["SingleHeader"]?["Name"], StringComparer.OrdinalIgnoreCase);
        Assert.Equal("GT", (string?)size?["ComparisonOperator"]);
        Assert.Equal("0", (string?)size?["Size"]);
        Assert.Equal("NONE", (string?)size?["TextTransformations"]?[0]?["Type"]);

        // It runs after the rate rule, which still counts the flooding addresses.
        Assert.True(Priority("RequireAuthorizationHeader") > Priority("RatePerSourceIp"));
    }

    /// <summary>One request a second per address: a flood of the stage's 50 rps takes more than 50 addresses.</summary>
    [Fact]
    public void RatePerSourceIp_IsTightened_BelowOneRequestASecond()
    {
        var limit = int.Parse((string)Template.Parameters["WafRateLimit"].Default!, System.Globalization.CultureInfo.InvariantCulture);
        var window = int.Parse((string)Rule("RatePerSourceIp")["Statement"]!["RateBasedStatement"]!["EvaluationWindowSec"]!, System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(limit <= window, $"{limit} per {window} s is more than one request a second.");
    }

    /// <summary>
    /// A body larger than any valid greeting is blocked at WAF; a body larger than what API Gateway forwards to WAF
    /// (16 KB by default) is blocked as well rather than judged by its head (OversizeHandling MATCH).
    /// https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-setting-body-inspection-limit.html
    /// </summary>
    [Fact]
    public void OversizeTheBody_IsBlockedByWaf_EvenBeyondWhatWafInspects()
    {
        var size = Rule("BodySizeLimit")["Statement"]?["SizeConstraintStatement"];

        Assert.NotNull(Rule("BodySizeLimit")["Action"]?["Block"]);
        Assert.Equal("MATCH", (string?)size?["FieldToMatch"]?["Body"]?["OversizeHandling"]);
        Assert.Equal("GT", (string?)size?["ComparisonOperator"]);
        Assert.Equal("WafMaxBodyBytes", IntrinsicReferences.RefTarget(size?["Size"]));
        Assert.Equal("1024", (string?)Template.Parameters["WafMaxBodyBytes"].Default);
        Assert.Equal("16384", Template.Parameters["WafMaxBodyBytes"].MaxValue?.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The three AWS managed rule groups, each with OverrideAction None so that their rules block.
    /// https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html</summary>
    [Theory]
    [InlineData("AWSManagedRulesCommonRuleSet")]
    [InlineData("AWSManagedRulesKnownBadInputsRuleSet")]
    [InlineData("AWSManagedRulesAmazonIpReputationList")]
    public void ExploitKnownVulnerabilities_IsBlockedByTheAwsManagedRuleGroup(string group)
    {
        var rule = Rule("AWS-" + group);
        var statement = rule["Statement"]?["ManagedRuleGroupStatement"];

        Assert.Equal("AWS", (string?)statement?["VendorName"]);
        Assert.Equal(group, (string?)statement?["Name"]);
        Assert.NotNull(rule["OverrideAction"]?["None"]);
        Assert.Null(statement?["ExcludedRules"]);
        Assert.Null(statement?["RuleActionOverrides"]);
    }

    /// <summary>
    /// Credential stuffing against the pools' public sign-in: each pool is associated with a web ACL whose per-IP
    /// rate rule blocks. https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-waf.html
    /// </summary>
    [Theory]
    [InlineData("MyUserPool1")]
    [InlineData("MyUserPool2")]
    public void StuffCredentials_IntoAUserPool_IsRateLimitedByWaf(string pool)
    {
        var association = Assert.Single(
            Template.OfType("AWS::WAFv2::WebACLAssociation"), a => IntrinsicReferences.GetAttTarget(a.Properties["ResourceArn"]) == (pool, "Arn"));
        Assert.Equal(("CognitoWebAcl", "Arn"), IntrinsicReferences.GetAttTarget(association.Properties["WebACLArn"]));

        var acl = Template.Resource("CognitoWebAcl");
        Assert.Equal("REGIONAL", acl.Text("Scope"));
        var rate = Assert.Single(acl.Properties["Rules"]!.AsArray(), r => r?["Statement"]?["RateBasedStatement"] is not null)!;
        Assert.NotNull(rate["Action"]?["Block"]);
        Assert.Equal("IP", (string?)rate["Statement"]?["RateBasedStatement"]?["AggregateKeyType"]);
        Assert.Equal("CognitoWafRateLimit", IntrinsicReferences.RefTarget(rate["Statement"]?["RateBasedStatement"]?["Limit"]));
        Assert.Equal("100", (string?)Template.Parameters["CognitoWafRateLimit"].Default);
        Assert.Equal("10", Template.Parameters["CognitoWafRateLimit"].MinValue?.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static int Priority(string rule) => int.Parse((string)Rule(rule)["Priority"]!, System.Globalization.CultureInfo.InvariantCulture);

    private static JsonNode Rule(string name) =>
        Assert.Single(Template.Resource("GreetingWebAcl").Properties["Rules"]!.AsArray(), r => (string?)r?["Name"] == name)!;
}
