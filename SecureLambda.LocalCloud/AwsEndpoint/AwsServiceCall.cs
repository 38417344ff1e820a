namespace SecureLambda.LocalCloud.AwsEndpoint;

/// <summary>The wire protocol a request speaks, which decides the shape of every answer LocalCloud gives in its place.</summary>
public enum AwsProtocol
{
    /// <summary>AWS JSON 1.0/1.1: <c>POST /</c> with <c>X-Amz-Target: Prefix.Operation</c> (Secrets Manager, Cognito, SQS).</summary>
    Json,

    /// <summary>AWS Query: a form with <c>Action=Operation</c>, answered in XML (SNS, STS, SQS's older protocol).</summary>
    Query,

    /// <summary>REST with JSON bodies (Lambda, API Gateway): the operation is in the method and path.</summary>
    RestJson,

    /// <summary>REST with XML bodies (S3).</summary>
    RestXml,
}

/// <summary>
/// What a request to the AWS endpoint asks for: the service (its SigV4 signing name, as a credential scope names it),
/// the operation where the protocol names one, and the protocol to answer in.
/// </summary>
public sealed record AwsServiceCall(string Service, string? Operation, AwsProtocol Protocol)
{
    public const string Lambda = "lambda";
    public const string ApiGateway = "apigateway";
    public const string CognitoIdentityProvider = "cognito-idp";
    public const string SecretsManager = "secretsmanager";
    public const string Sns = "sns";
    public const string Sqs = "sqs";

    /// <summary>A service LocalCloud could not name: the request goes to the engine as it is, and errors answer in JSON.</summary>
    public const string Unknown = "unknown";

    public override string ToString() => Operation is null ? Service : $"{Service}.{Operation}";
}
