using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Lambda;
using SecureLambda.LocalCloud.Provisioning;
using SecureLambda.LocalCloud.Tests.Lambda;

namespace SecureLambda.LocalCloud.Tests.Attacks;

/// <summary>
/// Hang the engine: it accepts connections and never answers. The delivery worker's calls time out (the SDK reports a
/// timeout as an OperationCanceledException), and it keeps trying; LocalCloud never stops because of it.
/// </summary>
public sealed class HungEngineTests
{
    [Fact]
    public async Task HangTheEngine_TheDeliveryWorkerTimesOutAndTriesAgain_AndLocalCloudKeepsRunning()
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
        var function = new LambdaFunctionDefinition("InternalLambda", "hung-InternalLambda", "arn:aws:lambda:us-east-1:123456789012:function:hung-InternalLambda", TimeSpan.FromSeconds(3));
        await using var host = await LocalLambdaHost.StartAsync(
            [function], sqs, [new AsyncDeliveryRoute("arn:aws:sns:us-east-1:123456789012:hung", "InternalLambda", "InternalLambda", "arn:aws:sns:us-east-1:123456789012:hung:sub", $"http://127.0.0.1:{port}/123456789012/hung-async", "http://127.0.0.1:9/123456789012/hung-async-dlq", 3)]);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

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
        var function = new LambdaFunctionDefinition("InternalLambda", "hung-InternalLambda", "arn:aws:lambda:us-east-1:123456789012:function:hung-InternalLambda", TimeSpan.FromSeconds(3));
        await using var host = await LocalLambdaHost.StartAsync(
            [function], sqs, [new AsyncDeliveryRoute("arn:aws:sns:us-east-1:123456789012:hung", "InternalLambda", "InternalLambda", "arn:aws:sns:us-east-1:123456789012:hung:sub", "http://127.0.0.1:9/123456789012/hung-async", "http://127.0.0.1:9/123456789012/hung-async-dlq", 3)]);

        await sqs.SecondReceive.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.False(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
    }

    private sealed class TimingOutSqs() : AmazonSQSClient(new BasicAWSCredentials("testing", "testing"), new AmazonSQSConfig { ServiceURL = "http://127.0.0.1:9" })
    {
        private int _receives;

        public TaskCompletionSource SecondReceive { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Task<Amazon.SQS.Model.ReceiveMessageResponse> ReceiveMessageAsync(Amazon.SQS.Model.ReceiveMessageRequest request, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _receives) >= 2)
            {
                SecondReceive.TrySetResult();
            }

            throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 20 seconds elapsing.");
        }
    }
}
