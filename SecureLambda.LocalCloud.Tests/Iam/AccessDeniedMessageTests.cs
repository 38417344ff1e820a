using SecureLambda.LocalCloud.Iam;
using static SecureLambda.LocalCloud.Tests.Iam.IamFixtures;

namespace SecureLambda.LocalCloud.Tests.Iam;

/// <summary>AWS's access-denied text. https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html</summary>
public sealed class AccessDeniedMessageTests
{
    [Fact]
    public void ImplicitDeny_ReadsAsAws()
    {
        var request = Request(External1, "secretsmanager:GetSecretValue", OtherSecretArn);

        var message = AccessDeniedMessage.For(request, Evaluate(request, []));

        Assert.Equal(
            "User: arn:aws:sts::123456789012:assumed-role/dev-ExternalLambda1Role-AAAA/dev-ExternalLambda1 is not authorized to perform: "
            + "secretsmanager:GetSecretValue on resource: " + OtherSecretArn + " because no identity-based policy allows the secretsmanager:GetSecretValue action",
            message);
    }

    [Fact]
    public void ExplicitDenyInResourcePolicy_ReadsAsAws()
    {
        var request = Request(Internal, "sns:Publish", TopicArn);
        var topicPolicy = ResourcePolicy(Policy($$"""{"Effect":"Deny","Principal":"*","Action":"sns:Publish","Resource":"{{TopicArn}}"}"""));

        var message = AccessDeniedMessage.For(request, Evaluate(request, [], [topicPolicy]));

        Assert.Equal(
            "User: arn:aws:sts::123456789012:assumed-role/dev-InternalLambdaRole-CCCC/dev-InternalLambda is not authorized to perform: sns:Publish on resource: "
            + TopicArn + " with an explicit deny in a resource-based policy",
            message);
    }

    [Fact]
    public void AllowedDecision_HasNoMessage() =>
        Assert.Throws<ArgumentException>(() => AccessDeniedMessage.For(Request(External1, "sns:Publish", TopicArn), new IamDecision(IamDecisionKind.Allow, "allowed")));
}
