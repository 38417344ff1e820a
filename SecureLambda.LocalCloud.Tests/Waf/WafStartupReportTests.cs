using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SecureLambda.CloudFormation;
using SecureLambda.LocalCloud.ApiGateway;
using SecureLambda.LocalCloud.ApiGateway.Throttling;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Provisioning;
using SecureLambda.LocalCloud.Waf;

namespace SecureLambda.LocalCloud.Tests.Waf;

/// <summary>What LocalCloud does not evaluate of the template's WAF is said at start-up, once, never skipped in silence.</summary>
public sealed class WafStartupReportTests
{
    private const string PoolArn = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc";
    private const string StageArn = "arn:aws:apigateway:us-east-1::/restapis/a1b2c3/stages/development";
    private const string AclArn = "arn:aws:wafv2:us-east-1:000000000000:regional/webacl/cognito/1";

    private static ProvisionedStack Stack(params (string Resource, string Acl)[] associations) => new(
        new StackState(CloudFormationTemplate.Parse("Resources: {}", "test.yaml"), new StackSettings(Region: "us-east-1")),
        [.. associations.Select((a, i) => new ProvisionedResource(
            $"Association{i}",
            "AWS::WAFv2::WebACLAssociation",
            $"{a.Resource}|{a.Acl}",
            new JsonObject { ["ResourceArn"] = a.Resource, ["WebACLArn"] = a.Acl },
            new Dictionary<string, JsonNode>()))],
        new Dictionary<string, string>(),
        [],
        [],
        []);

    [Fact]
    public void NamesAWebAclOnAResourceLocalCloudDoesNotFront_AsNotEmulatedLocally_WithTheReason()
    {
        const string LoadBalancerArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
        var logger = new FakeLogger();

        WafStartupReport.Log(logger, Stack((PoolArn, AclArn), (StageArn, AclArn), (LoadBalancerArn, AclArn)), []);

        var line = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Contains($"Web ACL {AclArn} on {LoadBalancerArn}: not emulated locally", line.Message, StringComparison.Ordinal);
        Assert.Contains("fronts only API Gateway stages and Cognito user pools", line.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Information, line.Level);
    }

    [Fact]
    public void TheStagesAndThePoolsAssociations_AreEvaluated_SoNotReported()
    {
        Assert.Empty(WafStartupReport.NotFronted(Stack((StageArn, AclArn), (PoolArn, AclArn))));
    }

    [Fact]
    public void NamesEachManagedRuleOfTheStagesWebAcl_ItCannotEvaluate_OnceEach()
    {
        var template = new TestTemplate();
        var evaluator = new WebAclEvaluator(WebAcl.FromTemplate(template.Resource("GreetingWebAcl"), template.IpSetsByArn()), new FakeTimeProvider());
        var stage = new GatewayStage("000000000000", "a1b2c3", "development", [], new StageThrottle("development", [], new FakeTimeProvider()), evaluator, new Dictionary<string, GatewayResponseOverride>());
        var logger = new FakeLogger();

        WafStartupReport.Log(logger, Stack(), [stage]);

        var lines = logger.Collector.GetSnapshot().Select(r => r.Message).ToList();
        Assert.Equal(evaluator.WebAcl.NotEmulatedRules.Count, lines.Count);
        Assert.Contains(lines, line => line.Contains("managed rule AWS-AWSManagedRulesCommonRuleSet/CrossSiteScripting_BODY not emulated locally", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("/SizeRestrictions_BODY", StringComparison.Ordinal));
    }
}
