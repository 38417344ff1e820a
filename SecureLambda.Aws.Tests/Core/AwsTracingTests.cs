using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.SecretsManager;
using SecureLambda.Aws.Sns;
using SecureLambda.Aws.Tests.Support;

namespace SecureLambda.Aws.Tests.Core;

/// <summary>
/// One client span per call. Tests run in parallel and listeners are process-wide, so each test keeps only the spans of
/// its own trace.
/// </summary>
public sealed class AwsTracingTests : IDisposable
{
    private static readonly ActivitySource TestSource = new("SecureLambda.Aws.Tests");

    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;
    private readonly Activity _root;

    public AwsTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is AwsDiagnostics.ActivitySourceName or "SecureLambda.Aws.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == AwsDiagnostics.ActivitySourceName && activity.TraceId == _root?.TraceId)
                {
                    _spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        _root = TestSource.StartActivity("test")!;
    }

    public void Dispose()
    {
        _root.Dispose();
        _listener.Dispose();
    }

    [Fact]
    public async Task GetSecret_RecordsOneClientSpan_WithRpcAttributesAndRetryCount()
    {
        var handler = new ScriptedHandler(
            ScriptedHandler.Reply(HttpStatusCode.ServiceUnavailable, "{}"),
            ScriptedHandler.Reply(HttpStatusCode.OK, """{"SecretString":"top-secret-value"}""", ("x-amzn-RequestId", "req-42")));
        using var http = new HttpClient(handler);
        var client = new SecretsManagerClient(http, TestContexts.Offline());

        await client.GetSecretStringAsync("LambdaSNSTopicARN", TestContext.Current.CancellationToken);

        var span = Assert.Single(_spans);
        Assert.Equal("SecretsManager.GetSecretValue", span.DisplayName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Equal("aws-api", span.GetTagItem("rpc.system"));
        Assert.Equal("SecretsManager", span.GetTagItem("rpc.service"));
        Assert.Equal("GetSecretValue", span.GetTagItem("rpc.method"));
        Assert.Equal("us-east-1", span.GetTagItem("cloud.region"));
        Assert.Equal("req-42", span.GetTagItem("aws.request_id"));
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        Assert.Equal(1, span.GetTagItem("http.request.resend_count"));
        Assert.DoesNotContain(span.TagObjects, tag => tag.Value?.ToString()?.Contains("top-secret-value", StringComparison.Ordinal) == true);
    }

    /// <summary>
    /// The call's own span goes on the wire as W3C trace context, so a server that traces (LocalCloud's AWS endpoint)
    /// hangs its spans under it; and outside the signature, as botocore leaves it, so that a handler may replace it.
    /// </summary>
    [Fact]
    public async Task EachCall_SendsItsOwnSpanAsTraceparent_Unsigned()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Reply(HttpStatusCode.OK, """{"SecretString":"x"}"""));
        using var http = new HttpClient(handler);
        var client = new SecretsManagerClient(http, TestContexts.Offline());

        await client.GetSecretStringAsync("LambdaSNSTopicARN", TestContext.Current.CancellationToken);

        var span = Assert.Single(_spans);
        var sent = Assert.Single(handler.Requests);
        Assert.Equal(span.Id, sent.TraceParent);
        Assert.DoesNotContain("traceparent", sent.Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_MarksSpanAsError_WithAwsErrorCode_AndKeepsMessageOut()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Reply(
            HttpStatusCode.NotFound,
            """<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>req-404</RequestId></ErrorResponse>"""));
        using var http = new HttpClient(handler);
        var client = new SnsClient(http, TestContexts.Offline());

        await Assert.ThrowsAsync<AwsServiceException>(() => client.PublishAsync(
            new SnsPublishRequest("arn:aws:sns:us-east-1:123456789012:missing", "Hello Ada"),
            TestContext.Current.CancellationToken));

        var span = Assert.Single(_spans);
        Assert.Equal("SNS.Publish", span.DisplayName);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("NotFound", span.GetTagItem("error.type"));
        Assert.Equal("req-404", span.GetTagItem("aws.request_id"));
        Assert.Equal(404, span.GetTagItem("http.response.status_code"));
        Assert.Null(span.GetTagItem("http.request.resend_count"));
        Assert.DoesNotContain(span.TagObjects, tag => tag.Value?.ToString()?.Contains("Hello Ada", StringComparison.Ordinal) == true);
    }
}
