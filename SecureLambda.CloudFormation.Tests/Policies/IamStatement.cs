using System.Text.Json.Nodes;
using SecureLambda.CloudFormation.Intrinsics;

namespace SecureLambda.CloudFormation.Tests.Policies;

/// <summary>One statement of an identity policy in the template, with where it came from.</summary>
public sealed record IamStatement(string Owner, string PolicyName, JsonObject Body)
{
    public string? Sid => Body[nameof(Sid)] is JsonValue sid ? sid.GetValue<string>() : null;

    public bool IsAllow => Body["Effect"] is JsonValue effect && effect.GetValue<string>() == "Allow";

    public IReadOnlyList<JsonNode?> Actions => ListOf(Body["Action"]);

    public IReadOnlyList<JsonNode?> Resources => ListOf(Body["Resource"]);

    /// <summary>The actions that are plain strings, lower-cased (IAM action names are case-insensitive).</summary>
    public IReadOnlySet<string> LiteralActions =>
        Actions.OfType<JsonValue>().Select(action => action.GetValue<string>().ToLowerInvariant()).ToHashSet();

    public bool Grants(string action) => LiteralActions.Contains(action.ToLowerInvariant());

    public override string ToString() => $"{Owner}/{PolicyName}/{Sid ?? "(no Sid)"}";

    /// <summary>
    /// Statements of the inline policies of every AWS::IAM::Role and of every AWS::IAM::Policy and
    /// AWS::IAM::ManagedPolicy. Trust policies (AssumeRolePolicyDocument) grant nothing and are not included.
    /// </summary>
    public static IEnumerable<IamStatement> AllIn(CloudFormationTemplate template)
    {
        foreach (var role in template.OfType("AWS::IAM::Role"))
        {
            foreach (var policy in (role.Properties["Policies"] as JsonArray ?? []).OfType<JsonObject>())
            {
                foreach (var statement in StatementsOf(role.LogicalId, policy[nameof(PolicyName)], policy["PolicyDocument"]))
                {
                    yield return statement;
                }
            }
        }

        foreach (var policy in template.OfType("AWS::IAM::Policy").Concat(template.OfType("AWS::IAM::ManagedPolicy")))
        {
            foreach (var statement in StatementsOf(policy.LogicalId, policy.Properties[nameof(PolicyName)], policy.Properties["PolicyDocument"]))
            {
                yield return statement;
            }
        }
    }

    /// <summary>The statements of the inline policies of one role.</summary>
    public static IEnumerable<IamStatement> OfRole(CloudFormationTemplate template, string roleLogicalId) =>
        AllIn(template).Where(statement => statement.Owner == roleLogicalId);

    /// <summary>Statements of a resource policy resource (AWS::SNS::TopicPolicy, AWS::SQS::QueuePolicy).</summary>
    public static IEnumerable<IamStatement> OfResourcePolicy(TemplateResource policy) =>
        StatementsOf(policy.LogicalId, null, policy.Properties["PolicyDocument"]);

    public bool IsDeny => Body["Effect"] is JsonValue effect && effect.GetValue<string>() == "Deny";

    /// <summary>True for <c>Principal: "*"</c> and <c>Principal: {AWS: "*"}</c>, the forms that mean everyone.</summary>
    public bool AppliesToEveryone => Body["Principal"] switch
    {
        JsonValue all => all.GetValue<string>() == "*",
        JsonObject principal => principal["AWS"] is JsonValue aws && aws.GetValue<string>() == "*",
        _ => false,
    };

    private static IEnumerable<IamStatement> StatementsOf(string owner, JsonNode? policyName, JsonNode? document)
    {
        var name = policyName is JsonValue value ? value.GetValue<string>() : "(unnamed)";
        var statements = document?["Statement"] switch
        {
            JsonArray many => many.OfType<JsonObject>(),
            JsonObject one => [one],
            _ => throw new InvalidDataException($"Policy {name} of {owner} has no Statement."),
        };
        return statements.Select(statement => new IamStatement(owner, name, statement));
    }

    private static IReadOnlyList<JsonNode?> ListOf(JsonNode? node) => node switch
    {
        null => [],
        JsonArray many => [.. many],
        _ => [node],
    };
}
