using System.Text.Json.Nodes;
using SecureLambda.LocalCloud.Iam;

namespace SecureLambda.LocalCloud.Tests.Iam;

/// <summary>Concrete ARNs standing in for the template's resolved values, and short ways to build policies and requests.</summary>
internal static class IamFixtures
{
    public const string Account = "123456789012";
    public const string OtherAccount = "210987654321";
    public const string Region = "eu-west-1";
    public const string ExternalLambda1RoleArn = "arn:aws:iam::123456789012:role/dev-ExternalLambda1Role-AAAA";
    public const string ExternalLambda2RoleArn = "arn:aws:iam::123456789012:role/dev-ExternalLambda2Role-BBBB";
    public const string InternalLambdaRoleArn = "arn:aws:iam::123456789012:role/dev-InternalLambdaRole-CCCC";
    public const string TopicArn = "arn:aws:sns:eu-west-1:123456789012:dev-GreetingTopic";
    public const string SecretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:LambdaSNSTopicARN-AbCdEf";
    public const string OtherSecretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:SomethingElse-XyZ123";
    public const string DeliveryDlqArn = "arn:aws:sqs:eu-west-1:123456789012:dev-GreetingTopic-delivery-dlq";

    public static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    public static IamPrincipal External1 { get; } = IamPrincipal.AssumedRole(ExternalLambda1RoleArn, "dev-ExternalLambda1");

    public static IamPrincipal Internal { get; } = IamPrincipal.AssumedRole(InternalLambdaRoleArn, "dev-InternalLambda");

    public static PolicyDocument Identity(string json, string name = "identity") => PolicyDocument.Parse(name, JsonNode.Parse(json)!);

    public static PolicyDocument ResourcePolicy(string json, string name = "resource") => PolicyDocument.Parse(name, JsonNode.Parse(json)!, PolicyType.ResourceBased);

    /// <summary>A 2012-10-17 policy of the given statements (JSON objects).</summary>
    public static string Policy(params string[] statements) => $$"""{"Version":"2012-10-17","Statement":[{{string.Join(',', statements)}}]}""";

    public static string AllowAll => """{"Effect":"Allow","Action":"*","Resource":"*"}""";

    public static IamRequest Request(IamPrincipal principal, string action, string resource, bool secureTransport = true,
        IEnumerable<KeyValuePair<string, string>>? extraKeys = null) =>
        new(principal, action, resource, IamRequestContext.For(principal, Now, secureTransport, Region, extraKeys));

    /// <summary>A request whose context is exactly <paramref name="context"/> (for condition tests).</summary>
    public static IamRequest WithContext(Dictionary<string, IReadOnlyList<string>> context) =>
        new(External1, "sns:Publish", TopicArn, context);

    public static IamDecision Evaluate(IamRequest request, PolicyDocument[] identity, PolicyDocument[]? resource = null) =>
        PolicyEvaluator.Evaluate(request, identity, resource ?? []);
}
