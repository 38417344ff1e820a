using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Lambda;
using SecureLambda.LocalCloud.Tests.Lambda;

namespace SecureLambda.LocalCloud.Tests.Attacks;

/// <summary>
/// Hang the engine while an asynchronous event fails: it accepts connections and never answers, so the failure record
/// cannot be written. The call times out (the SDK reports a timeout as an OperationCanceledException), the event stays
/// in Lambda's queue and is tried again; LocalCloud never stops because of it.
/// </summary>
public sealed class HungEngineTests
{
    [Fact]
    public async Task HangTheEngine_TheFailureRecordTimesOutAndIsTriedAgain_AndLocalCloudKeepsRunning()
    {
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var accepted = new List<TcpClient>();
        var port = ((IPEndPoint)blackHole.LocalEndpoint).Port;
        using var sqs = new AmazonSQSClient(new BasicAWSCredentials("testing", "testing"), new AmazonSQSConfig
        {
            ServiceURL = $"http://127.0.0.1:{port}",
            AuthenticationRegion = "us-east-1",
            Timeout = TimeSpan.FromSeconds(1),
            MaxErrorRetry = 0,
        });
        var function = FailingFunction($"http://127.0.0.1:{port}/123456789012/hung-destination");
        await using var host = await LocalLambdaHost.StartAsync([function], sqs);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => null);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        host.Services.GetRequiredService<AsyncInvocations>().Accept(function, "{}"u8.ToArray(), eventKey: null, traceParent: null, topicArn: null);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            // A second connection means the worker survived the first call's timeout and asked again.
            while (accepted.Count < 2)
            {
                accepted.Add(await blackHole.AcceptTcpClientAsync(deadline.Token));
            }

            Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
            Assert.Equal(1, host.Services.GetRequiredService<AsyncInvocations>().Queued(function.LogicalId));
            Assert.Equal(1, runtime.Events);
        }
        finally
        {
            accepted.ForEach(client => client.Dispose());
        }
    }
    /// <summary>The shape the issue found: the SDK's own timeout, an OperationCanceledException the host did not ask for.</summary>
    [Fact]
    public async Task HangTheEngine_UntilTheSdkTimesOut_TheCancellationIsNotMistakenForShutdown()
    {
        using var sqs = new TimingOutSqs();
        var function = FailingFunction("http://127.0.0.1:9/123456789012/hung-destination");
        await using var host = await LocalLambdaHost.StartAsync([function], sqs);
        await using var runtime = new TestRuntime(host.Address, host.RuntimePrefix("InternalLambda"), _ => null);
        host.Services.GetRequiredService<AsyncInvocations>().Accept(function, "{}"u8.ToArray(), eventKey: null, traceParent: null, topicArn: null);

        await sqs.SecondSend.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.False(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        Assert.Equal(1, runtime.Events);
    }

    /// <summary>A function that fails at once, without retries, whose failures go to the queue at <paramref name="destinationUrl"/>.</summary>
    private static LambdaFunctionDefinition FailingFunction(string destinationUrl) =>
        new("InternalLambda", "hung-InternalLambda", "arn:aws:lambda:us-east-1:123456789012:function:hung-InternalLambda", TimeSpan.FromSeconds(3), MaximumRetryAttempts: 0)
        {
            OnFailure = new AsyncFailureTarget("arn:aws:sqs:us-east-1:123456789012:hung-destination", destinationUrl),
        };

    private sealed class TimingOutSqs() : AmazonSQSClient(new BasicAWSCredentials("testing", "testing"), new AmazonSQSConfig { ServiceURL = "http://127.0.0.1:9" })
    {
        private int _sends;

        public TaskCompletionSource SecondSend { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Task<Amazon.SQS.Model.SendMessageResponse> SendMessageAsync(Amazon.SQS.Model.SendMessageRequest request, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _sends) >= 2)
            {
                SecondSend.TrySetResult();
            }

            throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 20 seconds elapsing.");
        }
    }
}
