using SecureLambda.CloudFormation.Intrinsics;
using SecureLambda.CloudFormation.Tests.Policies;
using Xunit;

namespace SecureLambda.CloudFormation.Tests;

/// <summary>Attacks on the topic and the dead-letter queues (issue 8, "The API": topic policy, TLS, redrive, traces).</summary>
public sealed class MessagingPolicyTests
{
    private static readonly CloudFormationTemplate Template = SecureLambdaTemplate.Template;

    private static readonly (string LogicalId, string Attribute)[] ExternalRoles = [("ExternalLambda1Role", "Arn"), ("ExternalLambda2Role", "Arn")];

    /// <summary>
    /// Any principal of the account whose IAM policy allows sns:Publish on "*" could otherwise inject greetings.
    /// The topic policy's explicit Deny wins over any Allow: only the two external roles publish.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
    /// </summary>
    [Fact]
    public void InjectAGreeting_FromAnyOtherPrincipal_IsDeniedByTheTopicPolicy()
    {
        var policy = Assert.Single(
            Template.OfType("AWS::SNS::TopicPolicy"),
            p => IntrinsicReferences.RefTarget(p.Properties["Topics"]?[0]) == "GreetingTopic");
        var statements = IamStatement.OfResourcePolicy(policy).ToList();

        var deny = Assert.Single(statements, s => s.Sid == "DenyPublishByAnyoneElse");
        Assert.True(deny.IsDeny && deny.AppliesToEveryone && deny.Grants("sns:Publish"));
        var excepted = deny.Body["Condition"]?["ArnNotEquals"]?["aws:PrincipalArn"]!.AsArray().Select(n => IntrinsicReferences.GetAttTarget(n)!.Value);
        Assert.Equal(ExternalRoles, excepted);

        var allow = Assert.Single(statements, s => !s.IsDeny);
        Assert.Equal(ExternalRoles, allow.Body["Principal"]?["AWS"]!.AsArray().Select(n => IntrinsicReferences.GetAttTarget(n)!.Value));
        Assert.Equal("sns:publish", Assert.Single(allow.LiteralActions));
    }

    /// <summary>
    /// A request over plain HTTP can be read or changed on the way. Every topic and queue denies it to everyone.
    /// https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html#enforce-encryption-data-in-transit
    /// </summary>
    [Fact]
    public void ReadOrChangeMessagesInTransit_WithoutTls_IsDeniedOnEveryTopicAndQueue()
    {
        Assert.Equal(2, Template.OfType("AWS::SNS::Topic").Count());
        Assert.Equal(2, Template.OfType("AWS::SQS::Queue").Count());
        Assert.Empty(TemplatePolicies.TopicsAndQueuesWithoutTlsOnlyPolicy(Template));
    }

    /// <summary>
    /// The delivery dead-letter queue accepts messages from SNS for this one topic only (aws:SourceArn), so another
    /// topic, in any account, cannot fill it with forged dead letters.
    /// https://docs.aws.amazon.com/sns/latest/dg/sns-configure-dead-letter-queue.html
    /// </summary>
    [Fact]
    public void ForgeDeadLetters_FromAnotherTopic_IsRefusedByTheQueuePolicy()
    {
        var policy = Assert.Single(
            Template.OfType("AWS::SQS::QueuePolicy"),
            p => IntrinsicReferences.RefTarget(p.Properties["Queues"]?[0]) == "GreetingTopicDeliveryDeadLetterQueue");
        var allow = Assert.Single(IamStatement.OfResourcePolicy(policy), s => !s.IsDeny);

        Assert.Equal("sns.amazonaws.com", (string?)allow.Body["Principal"]?["Service"]);
        Assert.Equal("sqs:sendmessage", Assert.Single(allow.LiteralActions));
        Assert.Equal("GreetingTopic", IntrinsicReferences.RefTarget(allow.Body["Condition"]?["ArnEquals"]?["aws:SourceArn"]));
    }

    /// <summary>
    /// A message SNS cannot hand to Lambda at all would be lost after SNS's retries; the subscription's redrive policy
    /// keeps it in an encrypted queue of its own. https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html
    /// </summary>
    [Fact]
    public void LoseAGreeting_BetweenSnsAndLambda_IsPreventedByTheSubscriptionsDeadLetterQueue()
    {
        var subscription = Assert.Single(Template.OfType("AWS::SNS::Subscription"), s => s.Text("Protocol") == "lambda");
        var target = IntrinsicReferences.GetAttTarget(subscription.Properties["RedrivePolicy"]?["deadLetterTargetArn"]);

        Assert.Equal(("GreetingTopicDeliveryDeadLetterQueue", "Arn"), target);
        var queue = Template.Resource("GreetingTopicDeliveryDeadLetterQueue");
        Assert.Equal("true", queue.Text("SqsManagedSseEnabled"));
        Assert.Equal("1209600", queue.Text("MessageRetentionPeriod"));
    }

    /// <summary>Active tracing on the topic, so the README's trace through SNS holds in AWS too.
    /// https://docs.aws.amazon.com/sns/latest/dg/sns-active-tracing.html</summary>
    [Fact]
    public void GreetingTopic_TracesActively() =>
        Assert.Equal("Active", Template.Resource("GreetingTopic").Text("TracingConfig"));
}
