using System.Security;
using System.Text.Json;
using SecureLambda.Aws.Signing;

namespace SecureLambda.LocalCloud.AwsEndpoint;

/// <summary>An error as a service answers it: the HTTP status, the service's error code and its message.</summary>
public sealed record AwsError(int StatusCode, string Code, string Message);

/// <summary>
/// The answers LocalCloud gives in a service's place, each in the request's own protocol so that every SDK and the AWS
/// CLI parse them as they parse AWS's:
/// <list type="bullet">
/// <item>JSON: <c>x-amzn-ErrorType</c> and <c>{"__type": code, "message": …}</c>
/// (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html); SQS adds <c>x-amzn-query-error: Code;Sender</c>
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html).</item>
/// <item>Query: <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Type&gt;Sender&lt;/Type&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;</c>
/// (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html).</item>
/// <item>REST-XML (S3): <c>&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;RequestId/&gt;&lt;/Error&gt;</c>.</item>
/// </list>
/// </summary>
public static class AwsErrors
{
    public const string RequestIdHeader = "x-amzn-RequestId";

    /// <summary>
    /// A request whose signature AWS would not accept. JSON services answer 400 (Secrets Manager's and Cognito's
    /// common errors); Query services and S3 answer 403 with their own codes.
    /// https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html,
    /// https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html
    /// </summary>
    public static AwsError Authentication(AwsServiceCall call, SigV4Outcome outcome, string message)
    {
        ArgumentNullException.ThrowIfNull(call);
        return (call.Protocol, outcome) switch
        {
            (AwsProtocol.Query, SigV4Outcome.MissingAuthentication) => new(403, "MissingAuthenticationToken", "Request is missing Authentication Token"),
            (AwsProtocol.Query, SigV4Outcome.IncompleteSignature) => new(400, "IncompleteSignature", message),
            (AwsProtocol.Query, SigV4Outcome.UnknownAccessKey) => new(403, "InvalidClientTokenId", message),
            (AwsProtocol.Query, _) => new(403, "SignatureDoesNotMatch", message),
            (AwsProtocol.RestXml, SigV4Outcome.MissingAuthentication) => new(403, "AccessDenied", "Access Denied"),
            (AwsProtocol.RestXml, SigV4Outcome.UnknownAccessKey) => new(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."),
            (AwsProtocol.RestXml, _) => new(403, "SignatureDoesNotMatch", message),
            (_, SigV4Outcome.MissingAuthentication) => new(StatusFor(call, 400), "MissingAuthenticationTokenException", "Request is missing Authentication Token"),
            (_, SigV4Outcome.IncompleteSignature) => new(StatusFor(call, 400), "IncompleteSignatureException", message),
            (_, SigV4Outcome.UnknownAccessKey) => new(StatusFor(call, 400), "UnrecognizedClientException", message),
            _ => new(StatusFor(call, 400), "InvalidSignatureException", message),
        };
    }

    /// <summary>
    /// A call IAM denies, with the message IAM writes ("User: … is not authorized to perform: … on resource: … because
    /// …"): <c>AccessDeniedException</c> (400) for JSON services, <c>AuthorizationError</c> (403) for SNS,
    /// <c>AccessDenied</c> (403) for SQS, S3 and the other Query services.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_access-denied-error-messages.html,
    /// https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html
    /// </summary>
    public static AwsError AccessDenied(AwsServiceCall call, string message)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call switch
        {
            { Service: AwsServiceCall.Sns } => new(403, "AuthorizationError", message),
            { Service: AwsServiceCall.Sqs } => new(403, "AccessDenied", message),
            { Protocol: AwsProtocol.Query or AwsProtocol.RestXml } => new(403, "AccessDenied", message),
            { Protocol: AwsProtocol.RestJson } => new(403, "AccessDeniedException", message),
            _ => new(400, "AccessDeniedException", message),
        };
    }

    /// <summary>The engine behind the endpoint did not answer: the service is unavailable, as AWS says when it is.</summary>
    public static AwsError ServiceUnavailable(AwsServiceCall call, string message)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new(503, call.Protocol == AwsProtocol.Json ? "ServiceUnavailableException" : "ServiceUnavailable", message);
    }

    public static async Task WriteAsync(HttpContext context, AwsServiceCall call, AwsError error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(error);
        var response = context.Response;
        var requestId = RequestIdOf(context);
        response.StatusCode = error.StatusCode;
        response.Headers[RequestIdHeader] = requestId;
        switch (call.Protocol)
        {
            case AwsProtocol.Query:
                response.ContentType = "text/xml";
                await response.WriteAsync(
                    $"<ErrorResponse{QueryNamespace(call.Service)}><Error><Type>Sender</Type><Code>{Xml(error.Code)}</Code><Message>{Xml(error.Message)}</Message></Error><RequestId>{requestId}</RequestId></ErrorResponse>",
                    context.RequestAborted);
                return;
            case AwsProtocol.RestXml:
                response.ContentType = "application/xml";
                await response.WriteAsync(
                    $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{Xml(error.Code)}</Code><Message>{Xml(error.Message)}</Message><RequestId>{requestId}</RequestId></Error>",
                    context.RequestAborted);
                return;
            default:
                response.Headers["x-amzn-ErrorType"] = error.Code;
                if (call.Service == AwsServiceCall.Sqs)
                {
                    response.Headers["x-amzn-query-error"] = $"{error.Code};Sender";
                }

                response.ContentType = call.Protocol == AwsProtocol.Json ? "application/x-amz-json-1.1" : "application/json";
                await using (var writer = new Utf8JsonWriter(response.Body))
                {
                    writer.WriteStartObject();
                    writer.WriteString("__type", error.Code);
                    writer.WriteString("message", error.Message);
                    writer.WriteEndObject();
                }

                return;
        }
    }

    /// <summary>The request's id, one per request: what every answer carries in <c>x-amzn-RequestId</c>.</summary>
    public static string RequestIdOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items[RequestIdHeader] is not string id)
        {
            id = Guid.NewGuid().ToString();
            context.Items[RequestIdHeader] = id;
        }

        return id;
    }

    private static int StatusFor(AwsServiceCall call, int json) => call.Protocol == AwsProtocol.RestJson ? 403 : json;

    private static string QueryNamespace(string service) => service switch
    {
        AwsServiceCall.Sns => " xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"",
        "sts" => " xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"",
        _ => string.Empty,
    };

    private static string Xml(string text) => SecurityElement.Escape(text);
}
