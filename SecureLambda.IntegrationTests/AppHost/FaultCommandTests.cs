extern alias AppHost;

using System.Text;
using Aspire.Hosting.ApplicationModel;
using SecureLambda.CloudFormation;
using SecureLambda.LocalCloud.Faults;
using DashboardCommands = AppHost::SecureLambda.AppHost.Hosting.DashboardCommands;
using LocalCloudStackResource = AppHost::SecureLambda.AppHost.Hosting.LocalCloudStackResource;
using StackTemplateResource = AppHost::SecureLambda.AppHost.Hosting.StackTemplateResource;

namespace SecureLambda.IntegrationTests.AppHost;

/// <summary>
/// The fault commands in the AppHost's model, checked without starting anything: each on the resources it acts on,
/// "Clear faults" on the stack, and every rule a command sends one that LocalCloud's faults API accepts.
/// </summary>
public sealed class FaultCommandTests(AppHostModel model) : IClassFixture<AppHostModel>
{
    private static readonly CloudFormationTemplate Template =
        CloudFormationTemplate.Load(Path.Combine(AppContext.BaseDirectory, "cloudformation", "secure-lambda.yaml"));

    [Theory]
    [InlineData("AWS::SecretsManager::Secret", "Fail GetSecretValue")]
    [InlineData("AWS::SNS::Topic", "Throttle Publish")]
    [InlineData("AWS::Lambda::Function", "Crash invocations")]
    public void EachResourceOfAType_HasItsFaultCommand(string type, string command)
    {
        var resources = model.Resources.OfType<StackTemplateResource>().Where(resource => resource.Type == type).ToList();

        Assert.Equal(Template.OfType(type).Select(resource => resource.LogicalId), resources.Select(resource => resource.Name));
        Assert.NotEmpty(resources);
        Assert.All(resources, resource => Assert.Contains(command, Commands(resource)));
    }

    [Fact]
    public void NoOtherTemplateResource_HasAFaultCommand()
    {
        string[] faultCommands = ["Fail GetSecretValue", "Throttle Publish", "Crash invocations", "Clear faults"];
        var others = model.Resources.OfType<StackTemplateResource>()
            .Where(resource => resource.Type is not ("AWS::SecretsManager::Secret" or "AWS::SNS::Topic" or "AWS::Lambda::Function"));

        Assert.All(others, resource => Assert.Empty(Commands(resource).Intersect(faultCommands)));
    }

    [Fact]
    public void TheStack_HasClearFaults()
    {
        var stack = Assert.Single(model.Resources.OfType<LocalCloudStackResource>());

        var clear = Assert.Single(stack.Annotations.OfType<ResourceCommandAnnotation>());
        Assert.Equal((DashboardCommands.ClearFaultsCommand, "Clear faults"), (clear.Name, clear.DisplayName));
    }

    /// <summary>The AppHost and LocalCloud agree on the rule format: what a command sends is accepted as it is meant.</summary>
    [Fact]
    public void EveryCommandsRule_IsOneLocalCloudAccepts_AndAFunctionsRuleNamesThatFunction()
    {
        foreach (var resource in model.Resources.OfType<StackTemplateResource>())
        {
            if (DashboardCommands.FaultCommandFor(resource) is not { } command)
            {
                continue;
            }

            var parsed = FaultRuleParser.Parse(Encoding.UTF8.GetBytes($"[{command.Rule}]"));

            Assert.True(parsed.IsValid, $"{resource.Name}: {parsed.Error}");
            var rule = Assert.Single(parsed.Rules!);
            Assert.NotNull(rule.Error);
            Assert.Equal(1, rule.Probability);
            switch (resource.Type)
            {
                case "AWS::Lambda::Function":
                    Assert.Equal(("lambda", resource.Name), (rule.Service, rule.Function));
                    Assert.False(rule.IsLambdaServiceError);
                    break;
                case "AWS::SNS::Topic":
                    Assert.Equal(("sns", "Publish", 429, "Throttled"), (rule.Service, rule.Operation, rule.Error.StatusCode, rule.Error.Code));
                    break;
                default:
                    Assert.Equal(("secretsmanager", "GetSecretValue", "ThrottlingException"), (rule.Service, rule.Operation, rule.Error.Code));
                    break;
            }
        }
    }

    private static IEnumerable<string> Commands(StackTemplateResource resource) =>
        resource.Annotations.OfType<ResourceCommandAnnotation>().Select(command => command.DisplayName);
}
