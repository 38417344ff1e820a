using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SecureLambda.Aws.LocalCloud;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Catalog;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Iam;
using SecureLambda.LocalCloud.Lambda;
using SecureLambda.LocalCloud.Management;
using SecureLambda.LocalCloud.Provisioning;
using SecureLambda.LocalCloud.Tests.Lambda;
using SecureLambda.LocalCloud.Tests.Provisioning;

namespace SecureLambda.LocalCloud.Tests.Management;

/// <summary><c>GET /_localcloud/stack</c>: the stack LocalCloud emulates, resource by resource, and its functions' environments.</summary>
[Collection(ProvisioningMotoCollectionDefinition.Name)]
public sealed class EmulatedStackTests(ProvisioningFixture fixture)
{
    private static readonly LambdaFunctionDefinition Function = TestFunctions.ExternalLambda1;

    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public void Describe_ListsEveryTemplateResource_WithItsPhysicalIdAndHowLocalCloudStandsInForIt()
    {
        var template = CloudFormationTemplate.Load(ProvisioningFixture.TemplatePath);

        var stack = EmulatedStackEndpoints.Describe(fixture.Stack, []);

        Assert.Equal(EmulatedStack.Complete, stack.StackStatus);
        // Every resource whose condition holds; the alarm e-mail subscription's condition (an address given) does not.
        var expected = template.Resources.Values.Where(resource => resource.Condition is null).Select(resource => resource.LogicalId);
        Assert.Equal(expected.Order(StringComparer.Ordinal), stack.Resources.Select(resource => resource.LogicalResourceId).Order(StringComparer.Ordinal));
        foreach (var resource in stack.Resources)
        {
            var entry = ResourceTypeCatalog.Find(resource.ResourceType)!;
            Assert.Equal((entry.Kind.ToString(), entry.Reason), (resource.Emulation, resource.EmulationReason));
            Assert.Equal(fixture.Stack.Get(resource.LogicalResourceId).PhysicalId, resource.PhysicalResourceId);
        }

        var topic = stack.Resources.Single(resource => resource.LogicalResourceId == "GreetingTopic");
        Assert.StartsWith("arn:aws:sns:", topic.PhysicalResourceId, StringComparison.Ordinal);
        Assert.Null(topic.Arn);
        var queue = stack.Resources.Single(resource => resource.LogicalResourceId == "InternalLambdaDeadLetterQueue");
        Assert.StartsWith("http", queue.PhysicalResourceId, StringComparison.Ordinal);
        Assert.StartsWith("arn:aws:sqs:", queue.Arn, StringComparison.Ordinal);
        var function = stack.Resources.Single(resource => resource.LogicalResourceId == "ExternalLambda1");
        Assert.Equal(fixture.Stack.Get("ExternalLambda1").Attributes["Arn"].GetValue<string>(), function.Arn);
        Assert.Equal(nameof(ResourceKind.SynthesizedByLocalCloud), stack.Resources.Single(resource => resource.LogicalResourceId == "ExternalLambda1Role").Emulation);
        Assert.Equal(nameof(ResourceKind.Skipped), stack.Resources.Single(resource => resource.LogicalResourceId == "ExternalLambda1LogGroup").Emulation);
        Assert.Equal(fixture.Stack.Outputs, stack.Outputs);
        Assert.Equal(["user1@example.com", "user2@example.com"], stack.DevUsers.Select(user => user.Email));
    }

    [Fact]
    public async Task Endpoint_SaysInProgress_WhileTheStackProvisions_ThenServesTheStack_AndNeverAPassword()
    {
        var accessor = new ProvisionedStackAccessor();
        await using var app = await StartAsync(accessor);
        using var client = app.GetTestClient();

        var pending = await GetAsync(client);
        accessor.SetStack(fixture.Stack);
        var text = await client.GetStringAsync(new Uri(LocalCloudClient.StackPath, UriKind.Relative), _cancellation);
        var done = JsonSerializer.Deserialize(text, LocalCloudJsonContext.Default.EmulatedStack)!;

        Assert.Equal((EmulatedStack.InProgress, 0), (pending.StackStatus, pending.Resources.Count));
        Assert.Equal(EmulatedStack.Complete, done.StackStatus);
        Assert.Equal(fixture.Stack.Resources.Count, done.Resources.Count);
        Assert.DoesNotContain(ProvisioningFixture.User1Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Endpoint_SaysFailed_WithTheReason_WhenProvisioningFailed()
    {
        var accessor = new ProvisionedStackAccessor();
        accessor.SetFailed(new ResourceProvisioningException("GreetingTopic", "AWS::SNS::Topic", new HttpRequestException("Connection refused")));
        await using var app = await StartAsync(accessor);
        using var client = app.GetTestClient();

        var failed = await GetAsync(client);

        Assert.Equal(EmulatedStack.Failed, failed.StackStatus);
        Assert.Contains("GreetingTopic", failed.StackStatusReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionStatus_FollowsItsEnvironments_PollingRunningAndInitErrors()
    {
        var function = new LocalFunction(Function, new FakeTimeProvider());
        var fresh = function.Status;

        function.ReportInitError("Runtime.ExitError");
        var crashed = function.Status;
        var invocation = function.InvokeAsync("{}"u8.ToArray(), null, _cancellation);
        var queued = function.Status;
        var taken = await function.NextAsync(_cancellation);
        var running = function.Status;
        function.Complete(taken.RequestId, InvocationStatus.Succeeded, [], null);
        await invocation;
        using var stop = new CancellationTokenSource();
        var polling = function.NextAsync(stop.Token);
        var idle = function.Status;
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await polling);

        Assert.Equal((false, 0, 0L, 0L, (string?)null), (fresh.HasPolled, fresh.IdleEnvironments, fresh.Invocations, fresh.InitErrors, fresh.LastInitError));
        Assert.Equal((1L, "Runtime.ExitError"), (crashed.InitErrors, crashed.LastInitError));
        Assert.Equal((1, 0), (queued.QueuedInvocations, queued.RunningInvocations));
        Assert.Equal((true, 0, 1, 1L, (string?)null), (running.HasPolled, running.QueuedInvocations, running.RunningInvocations, running.Invocations, running.LastInitError));
        Assert.Equal((1, 0, 1L, 1L), (idle.IdleEnvironments, idle.RunningInvocations, idle.Invocations, idle.InitErrors));
    }

    [Fact]
    public async Task Endpoint_ShowsEachFunctionsEnvironments_AsTheRuntimeApiSeesThem()
    {
        var accessor = new ProvisionedStackAccessor();
        accessor.SetStack(fixture.Stack);
        await using var app = await StartAsync(accessor, [Function]);
        using var client = app.GetTestClient();
        var function = (await app.Services.GetRequiredService<LambdaFunctions>().FindAsync(Function.LogicalId, _cancellation))!;
        function.ReportInitError("Runtime.ExitError");

        var stack = await GetAsync(client);

        var status = Assert.Single(stack.Functions);
        Assert.Equal((Function.LogicalId, Function.FunctionName, 1L, "Runtime.ExitError"), (status.LogicalResourceId, status.FunctionName, status.InitErrors, status.LastInitError));
    }

    private async Task<EmulatedStack> GetAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri(LocalCloudClient.StackPath, UriKind.Relative), _cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(_cancellation), LocalCloudJsonContext.Default.EmulatedStack)!;
    }

    private async Task<WebApplication> StartAsync(ProvisionedStackAccessor accessor, IReadOnlyList<LambdaFunctionDefinition>? functions = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<IProvisionedStackAccessor>(accessor);
        builder.Services.AddOptions<StackProvisioningOptions>();
        builder.Services.AddSingleton<DataPlaneState>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LambdaFunctions>();
        // The functions' environments, which LocalCloud starts none of here (no bootstrap).
        builder.Services.AddOptions<LocalLambdaOptions>();
        builder.Services.AddOptions<SecureLambda.LocalCloud.AwsEndpoint.AwsEndpointOptions>();
        builder.Services.AddSingleton<AccountCredentials>();
        builder.Services.AddSingleton<RuntimeApiKeys>();
        builder.Services.AddSingleton(new ExecutionEnvironmentsConsole(TextWriter.Null));
        builder.Services.AddSingleton<ExecutionEnvironments>();
        builder.Services.AddIam();
        var app = builder.Build();
        app.MapEmulatedStack();
        app.Services.GetRequiredService<DataPlaneState>().Publish(new DataPlaneModel([], functions ?? [], []));
        await app.StartAsync(_cancellation);
        return app;
    }
}
