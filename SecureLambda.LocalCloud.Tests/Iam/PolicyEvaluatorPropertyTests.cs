using FsCheck;
using FsCheck.Fluent;
using SecureLambda.LocalCloud.Iam;
using static SecureLambda.LocalCloud.Tests.Iam.IamFixtures;

namespace SecureLambda.LocalCloud.Tests.Iam;

/// <summary>
/// Properties of the evaluation logic over generated statements: "an explicit deny in any of the policies overrides
/// the allow", so adding a Deny never turns a denied request into an allowed one.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
/// </summary>
public sealed class PolicyEvaluatorPropertyTests
{
    private static readonly string[] Actions = ["sns:Publish", "sns:*", "sqs:SendMessage", "secretsmanager:GetSecretValue", "*", "SNS:publish"];
    private static readonly string[] Resources = [TopicArn, "*", SecretArn, "arn:aws:sns:*:123456789012:*", DeliveryDlqArn];
    private static readonly string[] Conditions =
    [
        "",
        ""","Condition":{"Bool":{"aws:SecureTransport":"false"}}""",
        $$""","Condition":{"ArnNotEquals":{"aws:PrincipalArn":"{{ExternalLambda1RoleArn}}"} }""",
        ""","Condition":{"StringEqualsIfExists":{"aws:RequestedRegion":"us-east-1"}}""",
    ];

    private static readonly IamRequest[] Requests =
    [
        Request(External1, "sns:Publish", TopicArn),
        Request(Internal, "sns:Publish", TopicArn, secureTransport: false),
        Request(External1, "secretsmanager:GetSecretValue", SecretArn),
        Request(IamPrincipal.Service("sns.amazonaws.com", Account), "sqs:SendMessage", DeliveryDlqArn),
    ];

    private static Gen<string> Statements(bool resourceBased) =>
        from effect in Gen.Elements("Allow", "Deny")
        from notAction in Gen.Elements(false, true)
        from action in Gen.Elements(Actions)
        from resource in Gen.Elements(Resources)
        from condition in Gen.Elements(Conditions)
        from principal in Gen.Elements("\"*\"", $$"""{"AWS":"{{ExternalLambda1RoleArn}}"}""", $$"""{"AWS":"{{Account}}"}""", """{"Service":"sns.amazonaws.com"}""")
        select Statement(effect, resourceBased ? principal : null, notAction ? "NotAction" : "Action", action, resource, condition);

    private static string Statement(string effect, string? principal, string actionElement, string action, string resource, string condition)
    {
        var principalElement = principal is null ? "" : $",\"Principal\":{principal}";
        return $$"""{"Effect":"{{effect}}"{{principalElement}},"{{actionElement}}":"{{action}}","Resource":"{{resource}}"{{condition}} }""";
    }

    private static Gen<string[]> StatementLists(bool resourceBased) => Statements(resourceBased).ArrayOf().Where(s => s.Length <= 4);

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property AddingADeny_NeverTurnsADenyIntoAnAllow() =>
        Prop.ForAll(
            Arb.From(from identity in StatementLists(false)
                     from resource in StatementLists(true)
                     from deny in Statements(false)
                     from toResource in Gen.Elements(false, true)
                     from request in Gen.Elements(Requests)
                     select (identity, resource, deny, toResource, request)),
            c =>
            {
                var before = Decide(c.request, c.identity, c.resource);
                var denyStatement = c.deny.Replace("\"Effect\":\"Allow\"", "\"Effect\":\"Deny\"", StringComparison.Ordinal);
                var after = c.toResource
                    ? Decide(c.request, c.identity, [.. c.resource, denyStatement.Replace("{\"Effect\":\"Deny\"", "{\"Effect\":\"Deny\",\"Principal\":\"*\"", StringComparison.Ordinal)])
                    : Decide(c.request, [.. c.identity, denyStatement], c.resource);
                return before.IsAllowed || !after.IsAllowed;
            });

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property ExplicitDeny_IsExactlyWhenSomeApplicableDenyExists() =>
        Prop.ForAll(
            Arb.From(from identity in StatementLists(false)
                     from request in Gen.Elements(Requests)
                     select (identity, request)),
            c =>
            {
                var decision = Decide(c.request, c.identity, []);
                var anyDeny = c.identity.Any(s => s.Contains("\"Deny\"", StringComparison.Ordinal)
                    && Decide(c.request, [s.Replace("\"Deny\"", "\"Allow\"", StringComparison.Ordinal)], []).IsAllowed);
                return (decision.Kind == IamDecisionKind.ExplicitDeny) == anyDeny;
            });

    private static IamDecision Decide(IamRequest request, string[] identity, string[] resource) =>
        PolicyEvaluator.Evaluate(
            request,
            identity.Length == 0 ? [] : [Identity(Policy(identity))],
            resource.Length == 0 ? [] : [ResourcePolicy(Policy(resource))]);
}
