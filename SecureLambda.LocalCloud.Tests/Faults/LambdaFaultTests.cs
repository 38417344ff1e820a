using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SecureLambda.Aws.Core;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Engine;
using SecureLambda.LocalCloud.Faults;
using SecureLambda.LocalCloud.Provisioning;
using SecureLambda.LocalCloud.Sns;
using SecureLambda.LocalCloud.Tests.Lambda;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Faults;

/// <summary>
/// A crash rule on a function that is invoked asynchronously: each attempt fails as a function error without the
/// function process seeing the event, Lambda's retries run their course, and the invocation record reaches the
/// on-failure destination (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html),
/// for SNS delivery and for an Event invoke alike.
/// </summary>
public sealed class LambdaFaultTests : IClassFixture<MotoServerFixture>
{
    private const string CrashRule = """[{"service":"lambda","function":"InternalLambda","error":{"code":"Runtime.ExitError","message":"Runtime exited with error: exit status 1"}}]""";
    private static readonly LambdaFunctionDefinition Internal = EngineQueues.InternalLambda;

    private readonly MotoServer _moto;
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    private readonly EngineQueues _engine;

    public LambdaFaultTests(MotoServerFixture fixture)
    {
        _moto = fixture.Server;
        _engine = new EngineQueues(_moto);
    }

    [Fact]
    public async Task ACrashRule_OnAnSnsSubscribedFunction_SendsTheInvocationRecordToTheOnFailureDestination_WithoutRunningIt()
    {
        var destination = await _engine.CreateQueueAsync("fault-sns-destination");
        var function = Internal with { MaximumRetryAttempts = 1, OnFailure = destination };
        var route = EngineQueues.Subscription("fault-sns", function);
        await using var host = await _engine.StartHostAsync(function, route);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => "{}");
        SetRules(host, CrashRule);

        await host.Sns.DeliverAsync([new PublishedMessage(route.Subscription.TopicArn, Guid.NewGuid().ToString(), "Grace", null, new Dictionary<string, SnsAttributeValue>())], _cancellation);

        var record = JsonDocument.Parse((await _engine.WaitForMessageAsync(destination.QueueUrl, _cancellation)).GetProperty("Body").GetString()!).RootElement;
        Assert.Equal("RetriesExhausted", record.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(2, record.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.Equal("Grace", record.GetProperty("requestPayload").GetProperty("Records")[0].GetProperty("Sns").GetProperty("Message").GetString());
        Assert.Equal("Unhandled", record.GetProperty("responseContext").GetProperty("functionError").GetString());
        Assert.Equal("Runtime.ExitError", record.GetProperty("responsePayload").GetProperty("errorType").GetString());
        Assert.Equal("Runtime exited with error: exit status 1", record.GetProperty("responsePayload").GetProperty("errorMessage").GetString());
        Assert.Equal(0, runtime.Events);
    }

    [Fact]
    public async Task ACrashRule_OnAnEventInvoke_IsAcceptedThenFailsTheSameWay()
    {
        var destination = await _engine.CreateQueueAsync("fault-event-destination");
        await using var host = await _engine.StartHostAsync(Internal with { MaximumRetryAttempts = 0, OnFailure = destination }, route: null);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => "{}");
        SetRules(host, CrashRule);
        using var http = host.SignedClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/2015-03-31/functions/InternalLambda/invocations") { Content = new StringContent("{\"order\":42}") };
        request.Headers.Add("X-Amz-Invocation-Type", "Event");

        using var accepted = await http.SendAsync(request, _cancellation);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        var record = JsonDocument.Parse((await _engine.WaitForMessageAsync(destination.QueueUrl, _cancellation)).GetProperty("Body").GetString()!).RootElement;
        Assert.Equal(1, record.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.Equal(42, record.GetProperty("requestPayload").GetProperty("order").GetInt32());
        Assert.Equal("Runtime.ExitError", record.GetProperty("responsePayload").GetProperty("errorType").GetString());
        Assert.Equal(0, runtime.Events);
    }

    /// <summary>The rules are set as the API sets them: parsed, then swapped in whole.</summary>
    private static void SetRules(LocalLambdaHost host, string json)
    {
        var parsed = FaultRuleParser.Parse(Encoding.UTF8.GetBytes(json));
        Assert.True(parsed.IsValid, parsed.Error);
        host.Services.GetRequiredService<FaultRules>().Replace(parsed.Rules!);
    }

}
