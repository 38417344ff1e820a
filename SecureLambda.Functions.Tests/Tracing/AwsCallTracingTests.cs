using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SecureLambda.Functions.Tests.Events;

namespace SecureLambda.Functions.Tests.Tracing;

/// <summary>
/// The README's "X-Ray traces through gateway, function and SNS" holds by construction: the external function's
/// Secrets Manager and SNS calls both carry the invocation's <c>X-Amzn-Trace-Id</c> from <c>_X_AMZN_TRACE_ID</c>, as
/// the AWS SDK sends it under active tracing.
/// https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html
/// </summary>
public sealed class AwsCallTracingTests
{
    private const string TraceId = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    [Fact]
    public async Task ExternalFunction_SendsTheInvocationsTraceHeader_OnEveryAwsCall()
    {
        var environment = new Dictionary<string, string>
        {
            ["_HANDLER"] = "external",
            ["GREETER_NAME"] = "ExternalLambda1",
            ["AWS_LAMBDA_FUNCTION_NAME"] = "ExternalLambda1",
            ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
            ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            ["AWS_REGION"] = "us-east-1",
            ["_X_AMZN_TRACE_ID"] = TraceId,
        };
        var aws = new RecordingAws();
        using var http = new HttpClient(aws);
        var handler = FunctionHost.CreateHandler(
            FunctionSettings.FromEnvironment(environment.GetValueOrDefault), http, environment.GetValueOrDefault, NullLoggerFactory.Instance, TimeProvider.System);

        await handler.HandleAsync(TestEvents.Invocation(TestEvents.ProxyEvent("{\"name\":\"Ada\"}"), traceId: TraceId), TestContext.Current.CancellationToken);

        Assert.Equal(["secretsmanager.GetSecretValue", "sns.Publish"], aws.Calls.Select(c => c.Operation));
        Assert.All(aws.Calls, call => Assert.Equal(TraceId, call.TraceHeader));
    }

    /// <summary>Answers Secrets Manager (JSON 1.1, by X-Amz-Target) and SNS (Query, form body) and records the trace header.</summary>
    private sealed class RecordingAws : HttpMessageHandler
    {
        public List<(string Operation, string? TraceHeader)> Calls { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var trace = request.Headers.TryGetValues("X-Amzn-Trace-Id", out var values) ? string.Join(",", values) : null;
            if (request.Headers.TryGetValues("X-Amz-Target", out var target))
            {
                Calls.Add(("secretsmanager." + target.Single().Split('.')[^1], trace));
                return Reply("""{"SecretString":"{\"TOPIC_ARN\":\"arn:aws:sns:us-east-1:000000000000:greetings\"}"}""", "application/x-amz-json-1.1");
            }

            var form = await request.Content!.ReadAsStringAsync(cancellationToken);
            Calls.Add(("sns." + (form.Contains("Action=Publish", StringComparison.Ordinal) ? "Publish" : form), trace));
            return Reply("""<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>""", "text/xml");
        }

        private static HttpResponseMessage Reply(string body, string contentType) =>
            new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, contentType) };
    }
}
