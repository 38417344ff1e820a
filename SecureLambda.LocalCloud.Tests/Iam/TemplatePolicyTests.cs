using SecureLambda.LocalCloud.Iam;
using static SecureLambda.LocalCloud.Tests.Iam.IamFixtures;

namespace SecureLambda.LocalCloud.Tests.Iam;

/// <summary>
/// The template's own policies (cloudformation/secure-lambda.yaml: ExternalLambda1Role's inline policy,
/// GreetingTopicPolicy and GreetingTopicDeliveryDeadLetterQueuePolicy), written out with concrete ARNs.
/// </summary>
public sealed class TemplatePolicyTests
{
    private const string LogGroupArn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/dev-ExternalLambda1:*";

    private static readonly PolicyDocument ExternalLambda1Policy = Identity($$"""
        {
          "Version": "2012-10-17",
          "Statement": [
            {"Sid": "WriteOwnLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "{{LogGroupArn}}"},
            {"Sid": "XRayHasNoResourceLevelPermissions", "Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"},
            {"Sid": "ReadTopicArnSecret", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "{{SecretArn}}"},
            {"Sid": "PublishGreeting", "Effect": "Allow", "Action": "sns:Publish", "Resource": "{{TopicArn}}"}
          ]
        }
        """, "ExternalLambda1");

    private static readonly PolicyDocument GreetingTopicPolicy = ResourcePolicy($$"""
        {
          "Version": "2012-10-17",
          "Statement": [
            {"Sid": "AllowPublishByTheExternalFunctions", "Effect": "Allow",
             "Principal": {"AWS": ["{{ExternalLambda1RoleArn}}", "{{ExternalLambda2RoleArn}}"]},
             "Action": "sns:Publish", "Resource": "{{TopicArn}}"},
            {"Sid": "DenyPublishByAnyoneElse", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": "{{TopicArn}}",
             "Condition": {"ArnNotEquals": {"aws:PrincipalArn": ["{{ExternalLambda1RoleArn}}", "{{ExternalLambda2RoleArn}}"]} } },
            {"Sid": "DenyPublishWithoutTls", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": "{{TopicArn}}",
             "Condition": {"Bool": {"aws:SecureTransport": "false"} } }
          ]
        }
        """, "GreetingTopicPolicy");

    private static readonly PolicyDocument DeliveryDlqPolicy = ResourcePolicy($$"""
        {
          "Version": "2012-10-17",
          "Statement": [
            {"Sid": "AllowDeadLettersFromTheGreetingTopic", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
             "Action": "sqs:SendMessage", "Resource": "{{DeliveryDlqArn}}", "Condition": {"ArnEquals": {"aws:SourceArn": "{{TopicArn}}"} } },
            {"Sid": "DenyRequestsWithoutTls", "Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": "{{DeliveryDlqArn}}",
             "Condition": {"Bool": {"aws:SecureTransport": "false"} } }
          ]
        }
        """, "GreetingTopicDeliveryDeadLetterQueuePolicy");

    [Fact]
    public void ExternalLambda1_MayGetItsSecret()
    {
        var decision = Evaluate(Request(External1, "secretsmanager:GetSecretValue", SecretArn), [ExternalLambda1Policy]);

        Assert.True(decision.IsAllowed);
        Assert.Equal("ReadTopicArnSecret", decision.StatementSid);
    }

    [Fact]
    public void ExternalLambda1_MayNotGetAnotherSecret()
    {
        var decision = Evaluate(Request(External1, "secretsmanager:GetSecretValue", OtherSecretArn), [ExternalLambda1Policy]);

        Assert.Equal(IamDecisionKind.ImplicitDeny, decision.Kind);
        Assert.Equal("because no identity-based policy allows the secretsmanager:GetSecretValue action", decision.Reason);
    }

    [Fact]
    public void ExternalLambda1_MayWriteItsLogStreams_ThroughTheGroupArnsTrailingStar()
    {
        var stream = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/dev-ExternalLambda1:log-stream:2026/12/02/[$LATEST]abc";

        Assert.True(Evaluate(Request(External1, "logs:PutLogEvents", stream), [ExternalLambda1Policy]).IsAllowed);
        Assert.False(Evaluate(Request(External1, "logs:PutLogEvents", stream.Replace("ExternalLambda1", "InternalLambda", StringComparison.Ordinal)), [ExternalLambda1Policy]).IsAllowed);
    }

    [Fact]
    public void ExternalLambda1_MayPublishOverTls()
    {
        var decision = Evaluate(Request(External1, "sns:Publish", TopicArn), [ExternalLambda1Policy], [GreetingTopicPolicy]);

        Assert.True(decision.IsAllowed);
    }

    [Fact]
    public void TopicPolicy_DeniesPublishWithoutSecureTransport()
    {
        var decision = Evaluate(Request(External1, "sns:Publish", TopicArn, secureTransport: false), [ExternalLambda1Policy], [GreetingTopicPolicy]);

        Assert.Equal(IamDecisionKind.ExplicitDeny, decision.Kind);
        Assert.Equal("DenyPublishWithoutTls", decision.StatementSid);
        Assert.Equal("with an explicit deny in a resource-based policy", decision.Reason);
    }

    [Fact]
    public void TopicPolicy_DeniesPublishByAThirdRole_EvenWithAnIdentityAllow()
    {
        var decision = Evaluate(Request(Internal, "sns:Publish", TopicArn), [Identity(Policy(AllowAll))], [GreetingTopicPolicy]);

        Assert.Equal(IamDecisionKind.ExplicitDeny, decision.Kind);
        Assert.Equal("DenyPublishByAnyoneElse", decision.StatementSid);
        Assert.Equal("GreetingTopicPolicy", decision.PolicyName);
    }

    [Fact]
    public void TopicPolicy_DeniesAServicePrincipal_WhichHasNoPrincipalArn()
    {
        // A service principal's request carries no aws:PrincipalArn, and ArnNotEquals on a missing key is true.
        var sns = IamPrincipal.Service("events.amazonaws.com", Account);

        Assert.Equal(IamDecisionKind.ExplicitDeny, Evaluate(Request(sns, "sns:Publish", TopicArn), [], [GreetingTopicPolicy]).Kind);
    }

    [Fact]
    public void DeliveryDlq_TakesDeadLettersFromSnsForTheTopicOnly()
    {
        var sns = IamPrincipal.Service("sns.amazonaws.com", Account);
        KeyValuePair<string, string>[] FromTopic(string topic) => [new(IamRequestContext.SourceArn, topic), new(IamRequestContext.SourceAccount, Account)];

        Assert.True(Evaluate(Request(sns, "sqs:SendMessage", DeliveryDlqArn, extraKeys: FromTopic(TopicArn)), [], [DeliveryDlqPolicy]).IsAllowed);
        Assert.False(Evaluate(Request(sns, "sqs:SendMessage", DeliveryDlqArn, extraKeys: FromTopic(TopicArn + "-other")), [], [DeliveryDlqPolicy]).IsAllowed);
        Assert.False(Evaluate(Request(sns, "sqs:SendMessage", DeliveryDlqArn), [], [DeliveryDlqPolicy]).IsAllowed);
        Assert.Equal(IamDecisionKind.ExplicitDeny,
            Evaluate(Request(sns, "sqs:SendMessage", DeliveryDlqArn, secureTransport: false, extraKeys: FromTopic(TopicArn)), [], [DeliveryDlqPolicy]).Kind);
    }
}
