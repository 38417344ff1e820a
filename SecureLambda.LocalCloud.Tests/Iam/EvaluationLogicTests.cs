using SecureLambda.LocalCloud.Iam;
using static SecureLambda.LocalCloud.Tests.Iam.IamFixtures;

namespace SecureLambda.LocalCloud.Tests.Iam;

/// <summary>
/// How identity-based and resource-based policies combine.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
/// </summary>
public sealed class EvaluationLogicTests
{
    private static readonly IamRequest Publish = Request(External1, "sns:Publish", TopicArn);

    [Fact]
    public void ImplicitDeny_ByDefault_WhenNoPolicyAllows()
    {
        var decision = Evaluate(Publish, []);

        Assert.Equal(IamDecisionKind.ImplicitDeny, decision.Kind);
        Assert.False(decision.IsAllowed);
        Assert.Equal("because no identity-based policy allows the sns:Publish action", decision.Reason);
    }

    [Fact]
    public void Allow_WhenIdentityPolicyAllows_NamingPolicyAndSid()
    {
        var policy = Identity(Policy($$"""{"Sid":"PublishGreeting","Effect":"Allow","Action":"sns:Publish","Resource":"{{TopicArn}}"}"""), "ExternalLambda1");

        var decision = Evaluate(Publish, [policy]);

        Assert.True(decision.IsAllowed);
        Assert.Equal("ExternalLambda1", decision.PolicyName);
        Assert.Equal("PublishGreeting", decision.StatementSid);
    }

    [Fact]
    public void ExplicitDeny_BeatsAllow_InTheSameIdentityPolicy()
    {
        var policy = Identity(Policy(AllowAll, $$"""{"Sid":"NoPublish","Effect":"Deny","Action":"sns:Publish","Resource":"{{TopicArn}}"}"""));

        var decision = Evaluate(Publish, [policy]);

        Assert.Equal(IamDecisionKind.ExplicitDeny, decision.Kind);
        Assert.Equal("with an explicit deny in an identity-based policy", decision.Reason);
        Assert.Equal("NoPublish", decision.StatementSid);
    }

    [Fact]
    public void ExplicitDeny_InResourcePolicy_BeatsIdentityAllow()
    {
        var topicPolicy = ResourcePolicy(Policy($$"""{"Sid":"DenyAll","Effect":"Deny","Principal":"*","Action":"sns:*","Resource":"{{TopicArn}}"}"""), "GreetingTopicPolicy");

        var decision = Evaluate(Publish, [Identity(Policy(AllowAll))], [topicPolicy]);

        Assert.Equal(IamDecisionKind.ExplicitDeny, decision.Kind);
        Assert.Equal("with an explicit deny in a resource-based policy", decision.Reason);
        Assert.Equal("GreetingTopicPolicy", decision.PolicyName);
    }

    [Fact]
    public void Allow_WhenOnlyResourcePolicyNamesTheRole_InTheSameAccount()
    {
        // "If either the identity-based policy or the resource-based policy within the same account allows the request
        // and the other doesn't, the request is still allowed." A role ARN principal covers the role's sessions.
        var topicPolicy = ResourcePolicy(Policy($$"""{"Effect":"Allow","Principal":{"AWS":"{{ExternalLambda1RoleArn}}"},"Action":"sns:Publish","Resource":"{{TopicArn}}"}"""));

        Assert.True(Evaluate(Publish, [], [topicPolicy]).IsAllowed);
    }

    [Fact]
    public void Allow_WhenResourcePolicyNamesTheSessionArn()
    {
        var topicPolicy = ResourcePolicy(Policy($$"""{"Effect":"Allow","Principal":{"AWS":"{{External1.Arn}}"},"Action":"sns:Publish","Resource":"{{TopicArn}}"}"""));

        Assert.True(Evaluate(Publish, [], [topicPolicy]).IsAllowed);
    }

    [Fact]
    public void ImplicitDeny_WhenResourcePolicyNamesAnotherRole()
    {
        var topicPolicy = ResourcePolicy(Policy($$"""{"Effect":"Allow","Principal":{"AWS":["{{ExternalLambda2RoleArn}}"]},"Action":"sns:Publish","Resource":"{{TopicArn}}"}"""));

        Assert.Equal(IamDecisionKind.ImplicitDeny, Evaluate(Publish, [], [topicPolicy]).Kind);
    }

    [Theory]
    [InlineData("123456789012")]
    [InlineData("arn:aws:iam::123456789012:root")]
    public void AccountPrincipal_DoesNotAllowByItself_InTheSameAccount(string account)
    {
        // An account principal delegates to the account's identity-based policies: only identities whose own policies
        // allow the action get access. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
        var topicPolicy = ResourcePolicy(Policy($$"""{"Effect":"Allow","Principal":{"AWS":"{{account}}"},"Action":"sns:Publish","Resource":"{{TopicArn}}"}"""));

        Assert.Equal(IamDecisionKind.ImplicitDeny, Evaluate(Publish, [], [topicPolicy]).Kind);
        Assert.True(Evaluate(Publish, [Identity(Policy(AllowAll))], [topicPolicy]).IsAllowed);
    }

    [Fact]
    public void AccountPrincipal_InDeny_DeniesEverySessionOfTheAccount()
    {
        var topicPolicy = ResourcePolicy(Policy($$"""{"Effect":"Deny","Principal":{"AWS":"{{Account}}"},"Action":"sns:Publish","Resource":"{{TopicArn}}"}"""));

        Assert.Equal(IamDecisionKind.ExplicitDeny, Evaluate(Publish, [Identity(Policy(AllowAll))], [topicPolicy]).Kind);
    }

    [Fact]
    public void CrossAccount_NeedsBothIdentityAndResourceAllow()
    {
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
        var otherTopic = $"arn:aws:sns:eu-west-1:{OtherAccount}:their-topic";
        var request = Request(External1, "sns:Publish", otherTopic);
        var theirPolicy = ResourcePolicy(Policy($$"""{"Effect":"Allow","Principal":{"AWS":"{{Account}}"},"Action":"sns:Publish","Resource":"{{otherTopic}}"}"""));

        Assert.Equal("because no resource-based policy allows the sns:Publish action", Evaluate(request, [Identity(Policy(AllowAll))]).Reason);
        Assert.Equal("because no identity-based policy allows the sns:Publish action", Evaluate(request, [], [theirPolicy]).Reason);
        Assert.True(Evaluate(request, [Identity(Policy(AllowAll))], [theirPolicy]).IsAllowed);
    }

    [Fact]
    public void ServicePrincipal_IsAllowedByResourcePolicyNamingTheService()
    {
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services
        var sns = IamPrincipal.Service("sns.amazonaws.com", Account);
        var queuePolicy = ResourcePolicy(Policy($$"""{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"{{DeliveryDlqArn}}"}"""));

        Assert.True(Evaluate(Request(sns, "sqs:SendMessage", DeliveryDlqArn), [], [queuePolicy]).IsAllowed);
        Assert.False(Evaluate(Request(IamPrincipal.Service("events.amazonaws.com", Account), "sqs:SendMessage", DeliveryDlqArn), [], [queuePolicy]).IsAllowed);
        Assert.False(Evaluate(Request(Internal, "sqs:SendMessage", DeliveryDlqArn), [], [queuePolicy]).IsAllowed);
    }

    [Theory]
    [InlineData("\"*\"")]
    [InlineData("{\"AWS\":\"*\"}")]
    public void StarPrincipal_NamesEveryone(string principal)
    {
        var queuePolicy = ResourcePolicy(Policy($$"""{"Effect":"Deny","Principal":{{principal}},"Action":"sqs:*","Resource":"{{DeliveryDlqArn}}"}"""));
        var sns = IamPrincipal.Service("sns.amazonaws.com", Account);

        Assert.Equal(IamDecisionKind.ExplicitDeny, Evaluate(Request(sns, "sqs:SendMessage", DeliveryDlqArn), [], [queuePolicy]).Kind);
        Assert.Equal(IamDecisionKind.ExplicitDeny, Evaluate(Request(Internal, "sqs:SendMessage", DeliveryDlqArn), [Identity(Policy(AllowAll))], [queuePolicy]).Kind);
    }

    [Fact]
    public void NotPrincipal_SparesASessionOnlyWhenSessionAndAccountAreListed()
    {
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
        string Deny(string principals) => Policy($$"""{"Effect":"Deny","NotPrincipal":{"AWS":[{{principals}}]},"Action":"sns:Publish","Resource":"{{TopicArn}}"}""");
        var allow = Identity(Policy(AllowAll));

        Assert.Equal(IamDecisionKind.ExplicitDeny, Evaluate(Publish, [allow], [ResourcePolicy(Deny($"\"{ExternalLambda1RoleArn}\""))]).Kind);
        Assert.True(Evaluate(Publish, [allow], [ResourcePolicy(Deny($"\"{External1.Arn}\",\"arn:aws:iam::{Account}:root\""))]).IsAllowed);
        Assert.Equal(IamDecisionKind.ExplicitDeny, Evaluate(Request(Internal, "sns:Publish", TopicArn), [allow],
            [ResourcePolicy(Deny($"\"{External1.Arn}\",\"arn:aws:iam::{Account}:root\""))]).Kind);
    }

    [Fact]
    public void NotAction_CoversEveryOtherAction()
    {
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
        var policy = Identity(Policy("""{"Effect":"Allow","NotAction":"sns:Publish","Resource":"*"}"""));

        Assert.False(Evaluate(Publish, [policy]).IsAllowed);
        Assert.True(Evaluate(Request(External1, "sns:GetTopicAttributes", TopicArn), [policy]).IsAllowed);
    }

    [Fact]
    public void NotResource_CoversEveryOtherResource()
    {
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
        var policy = Identity(Policy(AllowAll, $$"""{"Effect":"Deny","Action":"secretsmanager:GetSecretValue","NotResource":"{{SecretArn}}"}"""));

        Assert.True(Evaluate(Request(External1, "secretsmanager:GetSecretValue", SecretArn), [policy]).IsAllowed);
        Assert.Equal(IamDecisionKind.ExplicitDeny, Evaluate(Request(External1, "secretsmanager:GetSecretValue", OtherSecretArn), [policy]).Kind);
    }

    [Theory]
    [InlineData("sns:Publish", true)]
    [InlineData("SNS:publish", true)]
    [InlineData("sns:Pub*", true)]
    [InlineData("sns:Publis?", true)]
    [InlineData("sns:*", true)]
    [InlineData("*", true)]
    [InlineData("sns:Publish?", false)]
    [InlineData("sqs:*", false)]
    public void Action_MatchesIgnoringCase_WithWildcards(string action, bool allowed)
    {
        // "The prefix and the action name are case insensitive." https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
        var policy = Identity(Policy($$"""{"Effect":"Allow","Action":"{{action}}","Resource":"*"}"""));

        Assert.Equal(allowed, Evaluate(Publish, [policy]).IsAllowed);
    }

    [Theory]
    [InlineData("arn:aws:sns:eu-west-1:123456789012:dev-GreetingTopic", true)]
    [InlineData("arn:aws:sns:*:123456789012:dev-*", true)]
    [InlineData("arn:aws:sns:eu-west-?:123456789012:dev-GreetingTopic", true)]
    [InlineData("arn:aws:sns:*", true)]
    [InlineData("arn:aws:sns:eu-west-1:123456789012:dev-greetingtopic", false)]
    [InlineData("arn:aws:sns:eu-west-1:123456789012:dev-GreetingTopic?", false)]
    [InlineData("arn:aws:sqs:*", false)]
    public void Resource_MatchesCaseSensitively_WithWildcards(string resource, bool allowed)
    {
        // Resource ARNs are case-sensitive and take * and ? wildcards. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
        var policy = Identity(Policy($$"""{"Effect":"Allow","Action":"sns:Publish","Resource":"{{resource}}"}"""));

        Assert.Equal(allowed, Evaluate(Publish, [policy]).IsAllowed);
    }

    [Fact]
    public void StatementAsSingleObject_AndVersion2008_AreAccepted()
    {
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
        var policy = Identity("""{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"sns:Publish","Resource":"*"}}""");

        Assert.True(Evaluate(Publish, [policy]).IsAllowed);
    }

    [Fact]
    public void PolicyVariableSyntax_IsLiteral_InVersion2008()
    {
        // Policy variables exist only in 2012-10-17; earlier versions read "${...}" as text.
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
        var policy = Identity("""{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"sns:Publish","Resource":"arn:aws:sns:eu-west-1:123456789012:${aws:username}"}}""");

        Assert.False(Evaluate(Publish, [policy]).IsAllowed);
        Assert.True(Evaluate(Request(External1, "sns:Publish", "arn:aws:sns:eu-west-1:123456789012:${aws:username}"), [policy]).IsAllowed);
    }

    [Fact]
    public void Evaluate_RefusesAResourcePolicyPassedAsIdentityPolicy()
    {
        var topicPolicy = ResourcePolicy(Policy($$"""{"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"{{TopicArn}}"}"""));

        Assert.Throws<ArgumentException>(() => Evaluate(Publish, [topicPolicy]));
    }
}
