using System.Text.Json.Nodes;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.Tests.Provisioning;

public sealed class ProvisioningProgressTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task BeforeProvisioningHasBegun_NothingIsAwaited_TheDataPlaneAnswers()
    {
        var progress = new ProvisioningProgress();

        Assert.Null(await progress.FunctionAsync(_ => true, _cancellation).WaitAsync(Timeout, _cancellation));
    }

    [Fact]
    public async Task WhileProvisioning_AFunctionIsAwaited_UntilItIsCreated_AndOtherResourcesAreNotFunctions()
    {
        var progress = new ProvisioningProgress();
        progress.Began();

        var asked = progress.FunctionAsync(function => function.LogicalId == "Greeter", _cancellation);
        progress.Provisioned(Resource("Greeter", "AWS::SQS::Queue"));
        progress.Provisioned(Resource("Other", "AWS::Lambda::Function"));
        Assert.False(asked.IsCompleted);
        progress.Provisioned(Resource("Greeter", "AWS::Lambda::Function"));

        var function = await asked.WaitAsync(Timeout, _cancellation);
        Assert.Equal(("Greeter", "AWS::Lambda::Function"), (function!.LogicalId, function.Type));
        Assert.Same(function, await progress.FunctionAsync(f => f.LogicalId == "Greeter", _cancellation));
    }

    [Fact]
    public async Task OnceProvisioningHasEnded_AnAwaitedFunctionIsNull_AndNothingMoreIsRecorded()
    {
        var progress = new ProvisioningProgress();
        progress.Began();
        var asked = progress.FunctionAsync(function => function.LogicalId == "Missing", _cancellation);

        progress.Ended();
        progress.Provisioned(Resource("Late", "AWS::Lambda::Function"));

        Assert.Null(await asked.WaitAsync(Timeout, _cancellation));
        Assert.Null(await progress.FunctionAsync(function => function.LogicalId == "Late", _cancellation));
    }

    private static ProvisionedResource Resource(string logicalId, string type) =>
        new(logicalId, type, "physical-" + logicalId, [], new Dictionary<string, JsonNode>());
}
