extern alias AppHost;

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using SecureLambda.Aws.LocalCloud;
using LambdaFunctionResource = AppHost::SecureLambda.AppHost.Hosting.LambdaFunctionResource;
using LocalCloudStackResource = AppHost::SecureLambda.AppHost.Hosting.LocalCloudStackResource;
using StackView = AppHost::SecureLambda.AppHost.Hosting.StackView;

namespace SecureLambda.IntegrationTests.AppHost;

/// <summary>
/// What the dashboard shows of the stack and its resources for each answer LocalCloud can give, on the AppHost's own
/// model: the views are pure, so every state is checked here without starting a stack.
/// </summary>
public sealed class StackViewTests(AppHostModel model) : IClassFixture<AppHostModel>
{
    private const string LocalCloudUrl = "http://localhost:4567";

    private LocalCloudStackResource Stack => model.Resources.OfType<LocalCloudStackResource>().Single();


    [Fact]
    public void BeforeLocalCloudAnswers_TheStackWaitsForIt_AndEveryResourceIsPending()
    {
        var views = Describe(null);

        Assert.Equal(StackView.WaitingForLocalCloud, views[Stack.Name].State);
        Assert.All(Stack.TemplateResources, resource => Assert.Equal(StackView.Pending, views[resource.Name].State));
    }

    [Fact]
    public void WhenLocalCloudStopsAnswering_TheStackSaysSo_AsAWarning()
    {
        var view = Describe(null, answeredOnce: true)[Stack.Name];

        Assert.Equal((StackView.LocalCloudUnreachable, KnownResourceStateStyles.Warn), (view.State, view.Style));
    }

    [Fact]
    public void WhileProvisioning_TheStackAndItsResourcesSayProvisioning()
    {
        var views = Describe(Emulated(EmulatedStack.InProgress, []));

        Assert.Equal(StackView.Provisioning, views[Stack.Name].State);
        Assert.Equal(StackView.Provisioning, views["GreetingTopic"].State);
    }

    [Fact]
    public void AFailedProvisioning_IsAnErrorWithItsReason_AndNoResourceClaimsToBeProvisioned()
    {
        var views = Describe(Emulated(EmulatedStack.Failed, [], reason: "Resource GreetingTopic (AWS::SNS::Topic) could not be provisioned: Connection refused"));

        Assert.Equal((StackView.Failed, KnownResourceStateStyles.Error), (views[Stack.Name].State, views[Stack.Name].Style));
        Assert.Contains((StackView.ReasonProperty, "Resource GreetingTopic (AWS::SNS::Topic) could not be provisioned: Connection refused"), views[Stack.Name].Properties);
        Assert.All(Stack.TemplateResources, resource => Assert.Equal(StackView.NotProvisioned, views[resource.Name].State));
    }

    [Fact]
    public void AProvisionedStack_ShowsEachResourcesPhysicalIdAndHowItIsStoodInFor_TheStagesInvokeUrl_AndTheOutputs()
    {
        var views = Describe(Emulated(EmulatedStack.Complete,
        [
            new("GreetingTopic", "AWS::SNS::Topic", "arn:aws:sns:us-east-1:123456789012:secure-lambda-GreetingTopic", null, "ProvisionedInEngine", "the engine's SNS holds the topic"),
            new("GreetingApiStage", "AWS::ApiGateway::Stage", "development", null, "SynthesizedByLocalCloud", "LocalCloud's gateway serves the stage"),
            new("ExternalLambda1Role", "AWS::IAM::Role", "secure-lambda-ExternalLambda1Role-ABC", "arn:aws:iam::123456789012:role/secure-lambda-ExternalLambda1Role-ABC", "SynthesizedByLocalCloud", "LocalCloud's AWS endpoint decides the functions' calls"),
            new("ExternalLambda1LogGroup", "AWS::Logs::LogGroup", "/aws/lambda/secure-lambda-ExternalLambda1", null, "Skipped", "function logs go to the process output"),
        ]));

        var stack = views[Stack.Name];
        Assert.Equal((StackView.Provisioned, KnownResourceStateStyles.Success), (stack.State, stack.Style));
        Assert.Equal([("ApiUrl", "http://localhost:4567/development")], stack.Urls);
        Assert.Contains(("Output TopicArn", "arn:aws:sns:us-east-1:123456789012:secure-lambda-GreetingTopic"), stack.Properties);

        var topic = views["GreetingTopic"];
        Assert.Equal(StackView.Provisioned, topic.State);
        Assert.Contains((StackView.PhysicalIdProperty, "arn:aws:sns:us-east-1:123456789012:secure-lambda-GreetingTopic"), topic.Properties);
        Assert.Contains((StackView.EmulationProperty, "Provisioned in the engine"), topic.Properties);

        var stage = views["GreetingApiStage"];
        Assert.Equal(StackView.Emulated, stage.State);
        Assert.Equal([(StackView.InvokeUrlName, "http://localhost:4567/development")], stage.Urls);

        var role = views["ExternalLambda1Role"];
        Assert.Equal((StackView.Emulated, KnownResourceStateStyles.Success), (role.State, role.Style));
        Assert.Contains((StackView.ArnProperty, "arn:aws:iam::123456789012:role/secure-lambda-ExternalLambda1Role-ABC"), role.Properties);

        var logGroup = views["ExternalLambda1LogGroup"];
        Assert.Equal((StackView.Skipped, KnownResourceStateStyles.Info), (logGroup.State, logGroup.Style));
        Assert.Contains((StackView.ReasonProperty, "function logs go to the process output"), logGroup.Properties);

        // Left out by LocalCloud because its condition is false (no alarm e-mail address given).
        var subscription = views["AlarmEmailSubscription"];
        Assert.Equal(StackView.NotCreated, subscription.State);
        Assert.Contains((StackView.ReasonProperty, "Its condition HasAlarmEmail is false."), subscription.Properties);
    }

    [Theory]
    [InlineData(false, 0, 0, null, StackView.Starting, "info")]
    [InlineData(true, 1, 0, null, StackView.WaitingForInvocation, "success")]
    [InlineData(true, 0, 1, null, StackView.Invoking, "success")]
    [InlineData(true, 0, 0, null, StackView.WaitingForInvocation, "success")]
    [InlineData(false, 0, 0, "Runtime.ExitError", StackView.Crashed, "error")]
    public void AFunction_ShowsWhatItsEnvironmentsDo_AndItsInvocationCount(bool hasPolled, int idle, int running, string? initError, string expected, string style)
    {
        var status = new FunctionRuntimeStatus("ExternalLambda1", "secure-lambda-ExternalLambda1", hasPolled, idle, running, 0, 7, initError is null ? 0 : 1, initError);

        var view = Describe(Emulated(EmulatedStack.Complete, [], functions: [status]))["ExternalLambda1"];

        Assert.Equal((expected, style), (view.State, view.Style));
        Assert.Contains((StackView.InvocationsProperty, "7"), view.Properties);
    }

    [Theory]
    [InlineData("Exited")]
    [InlineData("FailedToStart")]
    [InlineData("Finished")]
    public void AFunctionWhoseProcessEnded_IsCrashed_WithTheExitCode_WhateverLocalCloudLastSaw(string processState)
    {
        var function = Stack.TemplateResources.OfType<LambdaFunctionResource>().Single(resource => resource.Name == "InternalLambda");
        var exited = new CustomResourceSnapshot { ResourceType = "Project", Properties = [], State = processState, ExitCode = 139 };
        var status = new FunctionRuntimeStatus("InternalLambda", "secure-lambda-InternalLambda", true, 1, 0, 0, 3, 0, null);

        var view = Describe(Emulated(EmulatedStack.Complete, [], functions: [status]), processOf: resource => resource == function.Environments[0] ? exited : null)["InternalLambda"];

        Assert.Equal((StackView.Crashed, KnownResourceStateStyles.Error), (view.State, view.Style));
        Assert.Contains((StackView.ExitCodeProperty, "139"), view.Properties);
    }

    /// <summary>A denied call shows on the role that made it, in AWS's words, before a deploy would fail on it.</summary>
    [Fact]
    public void ARoleWithDeniedCalls_TurnsAWarning_WithItsCountsAndTheLastDeny()
    {
        var roles = (IReadOnlyList<StackResourceStatus>)
        [
            new("ExternalLambda1Role", "AWS::IAM::Role", "r1", "arn:aws:iam::123456789012:role/r1", "SynthesizedByLocalCloud", "enforced"),
            new("ExternalLambda2Role", "AWS::IAM::Role", "r2", "arn:aws:iam::123456789012:role/r2", "SynthesizedByLocalCloud", "enforced"),
        ];
        const string Deny = "User: arn:aws:sts::123456789012:assumed-role/r2/secure-lambda-ExternalLambda2 is not authorized to perform: SNS:Publish on resource: t because no identity-based policy allows the SNS:Publish action";
        var view = Emulated(EmulatedStack.Complete, roles) with
        {
            IamDecisions = [new("ExternalLambda1Role", 4, 0, null), new("ExternalLambda2Role", 1, 2, Deny)],
        };

        var views = Describe(view);

        Assert.Equal((StackView.Emulated, KnownResourceStateStyles.Success), (views["ExternalLambda1Role"].State, views["ExternalLambda1Role"].Style));
        Assert.Contains((StackView.IamAllowedProperty, "4"), views["ExternalLambda1Role"].Properties);
        Assert.Equal((StackView.DeniedCalls, KnownResourceStateStyles.Warn), (views["ExternalLambda2Role"].State, views["ExternalLambda2Role"].Style));
        Assert.Contains((StackView.IamDeniedProperty, "2"), views["ExternalLambda2Role"].Properties);
        Assert.Contains((StackView.LastIamDenyProperty, Deny), views["ExternalLambda2Role"].Properties);
    }

    [Fact]
    public void Publishing_ReplacesTheViewsProperties_AndKeepsAspiresOwn()
    {
        var before = new CustomResourceSnapshot
        {
            ResourceType = "AWS::SNS::Topic",
            Properties = [new(CustomResourceKnownProperties.Source, "template"), new(StackView.PhysicalIdProperty, "old"), new("Output Gone", "x")],
        };
        var view = new StackView.ResourceView(StackView.Provisioned, KnownResourceStateStyles.Success, [(StackView.PhysicalIdProperty, "new")], [("Invoke URL", "http://localhost:4567/development")]);

        var after = view.ApplyTo(before);

        Assert.Equal([(CustomResourceKnownProperties.Source, "template"), (StackView.PhysicalIdProperty, "new")], after.Properties.Select(property => (property.Name, (string)property.Value!)));
        Assert.Equal(StackView.Provisioned, after.State?.Text);
        Assert.Equal("http://localhost:4567/development", Assert.Single(after.Urls).Url);
    }

    private Dictionary<string, StackView.ResourceView> Describe(EmulatedStack? view, bool answeredOnce = false, Func<IResource, CustomResourceSnapshot?>? processOf = null) =>
        StackView.Describe(Stack, view, answeredOnce || view is not null, LocalCloudUrl, processOf ?? (_ => null))
            .ToDictionary(entry => entry.Resource.Name, entry => entry.View);

    private static EmulatedStack Emulated(string status, IReadOnlyList<StackResourceStatus> resources, string? reason = null, IReadOnlyList<FunctionRuntimeStatus>? functions = null) =>
        new("secure-lambda", status, reason, resources,
            status == EmulatedStack.Complete
                ? new Dictionary<string, string> { ["ApiUrl"] = "http://localhost:4567/development", ["TopicArn"] = "arn:aws:sns:us-east-1:123456789012:secure-lambda-GreetingTopic" }
                : new Dictionary<string, string>(),
            [], functions ?? []);
}
