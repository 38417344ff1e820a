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

    /// <summary>
    /// <c>AWS_ENDPOINT_URL_</c> plus the service id upper-cased with spaces as underscores, as the SDKs define it
    /// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
    /// </summary>
    public string EndpointVariable => "AWS_ENDPOINT_URL_" + ServiceId.ToUpperInvariant().Replace(' ', '_');
}
