using System.Text.Json.Nodes;
using SecureLambda.CloudFormation.Tests.Template;
using Xunit;

namespace SecureLambda.CloudFormation.Tests;

public sealed class WafPolicyTests
{
    private static readonly TemplateDocument Template = SecureLambdaTemplate.Document;

    [Fact]
    public void WebAcl_IsAssociatedWithTheApiStage()
    {
        var association = Assert.Single(Template.OfType("AWS::WAFv2::WebACLAssociation"));

        Assert.Equal(("GreetingWebAcl", "Arn"), Intrinsics.GetAttTarget(association["WebACLArn"]));
        Assert.Equal(
            "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${GreetingApi}/stages/${GreetingApiStage}",
            Intrinsics.SubTemplate(association["ResourceArn"]));
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
        Assert.Equal("AllowedCidrs", Intrinsics.RefTarget(Template.Resource("AllowedIpSet")["Addresses"]));

        var action = rule["Action"]?["Fn::If"]?.AsArray();
        Assert.NotNull(action);
        Assert.Equal("WafIpRuleBlocks", (string?)action[0]);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["Block"] = new JsonObject() }, action[1]));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["Count"] = new JsonObject() }, action[2]));
        Assert.Equal("Count", (string?)Template.Parameters["WafIpRuleAction"]?["Default"]);
    }

    [Fact]
    public void AllowAllDefaults_AvoidTheSlashZeroThatWafRejects()
    {
        Assert.Equal("0.0.0.0/1,128.0.0.0/1", (string?)Template.Parameters["AllowedCidrs"]?["Default"]);
        Assert.Equal("::/1,8000::/1", (string?)Template.Parameters["AllowedIpv6Cidrs"]?["Default"]);
    }

    [Fact]
    public void SecondRule_BlocksASourceIpAboveTheRateLimit()
    {
        var rule = Rule("RatePerSourceIp");
        var statement = rule["Statement"]?["RateBasedStatement"];

        Assert.Equal("1", (string?)rule["Priority"]);
        Assert.Equal("WafRateLimit", Intrinsics.RefTarget(statement?["Limit"]));
        Assert.Equal("IP", (string?)statement?["AggregateKeyType"]);
        Assert.NotNull(rule["Action"]?["Block"]);
        // AWS WAF accepts rate limits of 10 or more: https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatement.html
        Assert.Equal("10", (string?)Template.Parameters["WafRateLimit"]?["MinValue"]);
    }

    [Fact]
    public void WebAclAndEveryRule_HaveVisibility()
    {
        var acl = Template.Resource("GreetingWebAcl");
        Assert.NotNull(acl["VisibilityConfig"]?["MetricName"]);
        Assert.Equal(2, acl["Rules"]!.AsArray().Count);
        Assert.All(acl["Rules"]!.AsArray(), r => Assert.Equal("true", (string?)r?["VisibilityConfig"]?["CloudWatchMetricsEnabled"]));
    }

    private static JsonNode Rule(string name) =>
        Assert.Single(Template.Resource("GreetingWebAcl")["Rules"]!.AsArray(), r => (string?)r?["Name"] == name)!;
}
