using SecureLambda.CloudFormation.Intrinsics;
using SecureLambda.CloudFormation.Tests.Policies;
using Xunit;

namespace SecureLambda.CloudFormation.Tests;

public sealed class IamPolicyTests
{
    private static readonly CloudFormationTemplate Template = SecureLambdaTemplate.Template;

    [Fact]
    public void NoStatement_GrantsAWildcardActionOrResource_BeyondXRay()
    {
        Assert.NotEmpty(IamStatement.AllIn(Template));
        Assert.Empty(TemplatePolicies.WildcardIamGrants(Template));
    }

    [Fact]
    public void ResourceWildcardAllowList_IsExactlyTheXRayWriteActions()
    {
        Assert.Equal(
            ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
            TemplatePolicies.ActionsWithoutResourceLevelPermissions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FunctionRoles_HaveNoManagedPolicies()
    {
        foreach (var function in Template.OfType("AWS::Lambda::Function"))
        {
            var role = RoleOf(function);
            Assert.True(role.Properties["ManagedPolicyArns"] is null, $"{role} of {function.LogicalId} attaches managed policies");
        }
    }

    [Fact]
    public void OnlyExternalFunctions_ReadTheSecretAndPublish_ScopedByRef()
    {
        var functions = Template.OfType("AWS::Lambda::Function").ToList();
        Assert.Equal(3, functions.Count);
        foreach (var function in functions)
        {
            var statements = IamStatement.OfRole(Template, RoleOf(function).LogicalId).ToList();
            var reads = statements.Where(s => s.Grants("secretsmanager:GetSecretValue")).ToList();
            var publishes = statements.Where(s => s.Grants("sns:Publish")).ToList();
            if (function.Text("Handler") == "external")
            {
                Assert.Equal("TopicArnSecret", IntrinsicReferences.RefTarget(Assert.Single(Assert.Single(reads).Resources)));
                Assert.Equal("GreetingTopic", IntrinsicReferences.RefTarget(Assert.Single(Assert.Single(publishes).Resources)));
            }
            else
            {
                Assert.Empty(reads);
                Assert.Empty(publishes);
                Assert.DoesNotContain(statements, s => s.LiteralActions.Any(a => a.StartsWith("secretsmanager:", StringComparison.Ordinal) || a.StartsWith("sns:", StringComparison.Ordinal)));
            }
        }

        var external = functions.Where(f => f.Text("Handler") == "external").Select(f => RoleOf(f).LogicalId).ToHashSet();
        Assert.Equal(2, external.Count);
        Assert.All(
            IamStatement.AllIn(Template).Where(s => s.Grants("secretsmanager:GetSecretValue") || s.Grants("sns:Publish")),
            s => Assert.Contains(s.Owner, external));
    }

    [Fact]
    public void EveryFunctionRole_WritesLogsOnlyToItsOwnLogGroup()
    {
        foreach (var function in Template.OfType("AWS::Lambda::Function"))
        {
            var ownGroup = Template.Target(function.Properties["LoggingConfig"]?["LogGroup"])!.LogicalId;
            var logStatements = IamStatement.OfRole(Template, RoleOf(function).LogicalId)
                .Where(s => s.LiteralActions.Any(a => a.StartsWith("logs:", StringComparison.Ordinal)))
                .ToList();
            var statement = Assert.Single(logStatements);
            Assert.Equal(new HashSet<string> { "logs:createlogstream", "logs:putlogevents" }, statement.LiteralActions);
            Assert.Equal((ownGroup, "Arn"), IntrinsicReferences.GetAttTarget(Assert.Single(statement.Resources)));
        }
    }

    private static TemplateResource RoleOf(TemplateResource function)
    {
        var role = Template.Target(function.Properties["Role"]);
        Assert.True(role is { Type: "AWS::IAM::Role" }, $"{function} does not take its role from this template");
        return role;
    }
}
