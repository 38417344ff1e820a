using System.Net;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.SecretsManager;
using SecureLambda.Aws.Sns;
using SecureLambda.Aws.Tests.Support;
using SecureLambda.Aws.Tracing;

namespace SecureLambda.Aws.Tests.Tracing;

/// <summary>
/// Inside a Lambda function every AWS call carries <c>X-Amzn-Trace-Id</c> from <c>_X_AMZN_TRACE_ID</c>, as the AWS
/// SDKs send it, so that Secrets Manager and SNS join the invocation's X-Ray trace under active tracing.
/// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
/// </summary>
public sealed class LambdaTraceHeaderTests
{
    private const string TraceId = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    private const string PublishReply =
        """<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>""";

    private static ScriptedHandler Handler(string reply) => new(ScriptedHandler.Reply(HttpStatusCode.OK, reply));

    [Fact]
    public async Task EveryCall_InsideLambda_CarriesTheInvocationsTraceHeader_Unsigned()
    {
        var environment = new Dictionary<string, string> { ["AWS_LAMBDA_FUNCTION_NAME"] = "ExternalLambda1", ["_X_AMZN_TRACE_ID"] = TraceId };
        var secretsHandler = Handler("""{"SecretString":"arn:aws:sns:us-east-1:000000000000:t"}""");
        var snsHandler = Handler(PublishReply);
        using var secretsHttp = new HttpClient(secretsHandler);
        using var snsHttp = new HttpClient(snsHandler);

        await new SecretsManagerClient(secretsHttp, TestContexts.Offline(environment)).GetSecretStringAsync("LambdaSNSTopicARN", TestContext.Current.CancellationToken);
        await new SnsClient(snsHttp, TestContexts.Offline(environment)).PublishAsync(new SnsPublishRequest("arn:aws:sns:us-east-1:000000000000:t", "Ada"), TestContext.Current.CancellationToken);

        var requests = secretsHandler.Requests.Concat(snsHandler.Requests).ToList();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, request => Assert.Equal(TraceId, request.TraceHeader));

        // botocore does not sign it either (SIGNED_HEADERS_BLACKLIST): X-Ray may rewrite it on the way.
        Assert.All(requests, request => Assert.DoesNotContain("x-amzn-trace-id", request.Authorization, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EachCall_CarriesTheCurrentInvocationsTrace_AsTheVariableChanges()
    {
        // The live environment, as the runtime loop sets _X_AMZN_TRACE_ID before each invocation.
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
            ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_LAMBDA_FUNCTION_NAME"] = "ExternalLambda1",
            ["_X_AMZN_TRACE_ID"] = TraceId,
        };
        var next = TraceId.Replace("53995c3f42cd8ad8", "0123456789abcdef", StringComparison.Ordinal);
        var handler = new ScriptedHandler(ScriptedHandler.Reply(HttpStatusCode.OK, PublishReply));
        using var http = new HttpClient(handler);
        var client = new SnsClient(http, AwsClientContext.FromEnvironment(name => environment.GetValueOrDefault(name)));

        await client.PublishAsync(new SnsPublishRequest("arn:aws:sns:us-east-1:000000000000:t", "one"), TestContext.Current.CancellationToken);
        environment["_X_AMZN_TRACE_ID"] = next;
        await client.PublishAsync(new SnsPublishRequest("arn:aws:sns:us-east-1:000000000000:t", "two"), TestContext.Current.CancellationToken);

        Assert.Equal([TraceId, next], handler.Requests.Select(r => r.TraceHeader));
    }

    [Theory]
    [InlineData(null, TraceId)]
    [InlineData("ExternalLambda1", null)]
    [InlineData("ExternalLambda1", "")]
    public async Task NoHeader_OutsideLambda_OrWithoutATrace(string? functionName, string? traceId)
    {
        var environment = new Dictionary<string, string>();
        if (functionName is not null)
        {
            environment["AWS_LAMBDA_FUNCTION_NAME"] = functionName;
        }

        if (traceId is not null)
        {
            environment["_X_AMZN_TRACE_ID"] = traceId;
        }

        var handler = Handler(PublishReply);
        using var http = new HttpClient(handler);

        await new SnsClient(http, TestContexts.Offline(environment)).PublishAsync(new SnsPublishRequest("arn:aws:sns:us-east-1:000000000000:t", "Ada"), TestContext.Current.CancellationToken);

        Assert.Null(Assert.Single(handler.Requests).TraceHeader);
    }

    /// <summary>A value that tries to end the header and start another one is percent-encoded, never sent raw.</summary>
    [Fact]
    public void InjectAHeader_ThroughTheTraceVariable_IsEncodedAway()
    {
        var header = LambdaTraceHeader.FromEnvironment(name => name switch
        {
            "AWS_LAMBDA_FUNCTION_NAME" => "ExternalLambda1",
            "_X_AMZN_TRACE_ID" => "Root=1-5759e988-bd862e3fe1be46a994272793\r\nX-Amz-Target: evil;é",
            _ => null,
        })();

        Assert.Equal("Root=1-5759e988-bd862e3fe1be46a994272793%0D%0AX-Amz-Target: evil;%C3%A9", header);
    }

    /// <summary>The deploy tool and LocalCloud build their context by hand and are not in Lambda: no header.</summary>
    [Fact]
    public void AHandMadeContext_SendsNoTraceHeader()
    {
        var context = new AwsClientContext(TestContexts.Offline().Credentials, "us-east-1", new AwsEndpointResolver(_ => null), AwsRetryPolicy.Default, TimeProvider.System);

        Assert.Null(context.TraceHeader());
    }
}
