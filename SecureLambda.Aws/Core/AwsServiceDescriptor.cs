namespace SecureLambda.Aws.Core;

/// <summary>
/// The names one AWS service goes by: its SDK service id (which names its endpoint variable), its name in spans, its
/// endpoint prefix and its SigV4 signing name.
/// </summary>
public sealed record AwsServiceDescriptor(string ServiceId, string ClientName, string EndpointPrefix, string SigningName)
{
    public static AwsServiceDescriptor SecretsManager { get; } = new("Secrets Manager", "SecretsManager", "secretsmanager", "secretsmanager");

    public static AwsServiceDescriptor Sns { get; } = new("SNS", "SNS", "sns", "sns");

    public static AwsServiceDescriptor CognitoIdentityProvider { get; } =
        new("Cognito Identity Provider", "CognitoIdentityProvider", "cognito-idp", "cognito-idp");

    public static AwsServiceDescriptor Sqs { get; } = new("SQS", "SQS", "sqs", "sqs");

    /// <summary>CloudFormation, a Query-protocol service (API version <c>2010-05-15</c>).</summary>
    public static AwsServiceDescriptor CloudFormation { get; } = new("CloudFormation", "CloudFormation", "cloudformation", "cloudformation");

    /// <summary>STS, a Query-protocol service (API version <c>2011-06-15</c>); regional endpoints, as the SDKs now default to.</summary>
    public static AwsServiceDescriptor Sts { get; } = new("STS", "STS", "sts", "sts");

    /// <summary>Lambda, a REST-JSON service (API version <c>2015-03-31</c>); locally, LocalCloud serves it.</summary>
    public static AwsServiceDescriptor Lambda { get; } = new("Lambda", "Lambda", "lambda", "lambda");

    /// <summary>S3; named here so its endpoint resolves like every other service's (<c>AWS_ENDPOINT_URL_S3</c>).</summary>
    public static AwsServiceDescriptor S3 { get; } = new("S3", "S3", "s3", "s3");

    /// <summary>
    /// <c>AWS_ENDPOINT_URL_</c> plus the service id upper-cased with spaces as underscores, as the SDKs define it
    /// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
    /// </summary>
    public string EndpointVariable => "AWS_ENDPOINT_URL_" + ServiceId.ToUpperInvariant().Replace(' ', '_');
}
