using SecureLambda.LocalCloud.DataPlane;

namespace SecureLambda.LocalCloud.Tests.DataPlane;

/// <summary>The one ready signal everything that needs the stack waits on.</summary>
public sealed class DataPlaneStateTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static DataPlaneModel Model(string functionName) =>
        new([], [new LambdaFunctionDefinition(functionName, functionName, $"arn:aws:lambda:us-east-1:123456789012:function:{functionName}", TimeSpan.FromSeconds(3))], []);

    [Fact]
    public async Task AWaiterBeforeProvisioning_GetsTheModelOncePublished()
    {
        var state = new DataPlaneState();
        var waiting = state.WaitAsync(TestContext.Current.CancellationToken).AsTask();

        Assert.False(waiting.IsCompleted);
        var model = Model("first");
        state.Publish(model);

        Assert.Same(model, await waiting.WaitAsync(Deadline, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AStackThatCannotBeServed_FaultsEveryWaiter_WithItsReason()
    {
        var state = new DataPlaneState();
        var early = state.WaitAsync(TestContext.Current.CancellationToken).AsTask();

        state.Fail(new NotSupportedException("no such integration"));

        Assert.Equal("no such integration", (await Assert.ThrowsAsync<NotSupportedException>(() => early.WaitAsync(Deadline, TestContext.Current.CancellationToken))).Message);
        await Assert.ThrowsAsync<NotSupportedException>(async () => await state.WaitAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AReprovisionedStack_ReplacesTheModel_ForEveryLaterWaiter()
    {
        var state = new DataPlaneState();
        state.Publish(Model("first"));
        var again = Model("again");

        state.Replace(again);

        Assert.Same(again, await state.WaitAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void PublishingTwice_IsRefused_SoNoSecondStartupOverwritesTheModel()
    {
        var state = new DataPlaneState();
        state.Publish(Model("first"));

        Assert.Throws<InvalidOperationException>(() => state.Publish(Model("second")));
    }

    [Fact]
    public async Task AWaiterThatGivesUp_IsCanceled_AndTheSignalStaysUsable()
    {
        var state = new DataPlaneState();
        using var cancel = new CancellationTokenSource();
        var waiting = state.WaitAsync(cancel.Token).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var model = Model("first");
        state.Publish(model);

        Assert.Same(model, await state.WaitAsync(TestContext.Current.CancellationToken));
    }
}
