namespace SecureLambda.Aws.Core;

/// <summary>
/// Credentials from <c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c> and <c>AWS_SESSION_TOKEN</c>, which the Lambda
/// runtime always sets from the function's execution role
/// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
/// </summary>
public sealed class EnvironmentCredentialsProvider(Func<string, string?> getEnvironmentVariable) : IAwsCredentialsProvider
{
    public const string AccessKeyIdVariable = "AWS_ACCESS_KEY_ID";
    public const string SecretAccessKeyVariable = "AWS_SECRET_ACCESS_KEY";
    public const string SessionTokenVariable = "AWS_SESSION_TOKEN";

    public EnvironmentCredentialsProvider()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    public ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetCredentials());

    public AwsCredentials GetCredentials()
    {
        var accessKeyId = NonEmpty(getEnvironmentVariable(AccessKeyIdVariable));
        var secretAccessKey = NonEmpty(getEnvironmentVariable(SecretAccessKeyVariable));
        if (accessKeyId is null || secretAccessKey is null)
        {
            var missing = string.Join(
                " and ",
                new[] { (accessKeyId, AccessKeyIdVariable), (secretAccessKey, SecretAccessKeyVariable) }
                    .Where(pair => pair.Item1 is null)
                    .Select(pair => pair.Item2));
            throw new InvalidOperationException(
                $"No AWS credentials: {missing} not set. Set {AccessKeyIdVariable} and {SecretAccessKeyVariable} " +
                $"(and {SessionTokenVariable} for temporary credentials); Lambda sets them from the execution role.");
        }

        return new AwsCredentials(accessKeyId, secretAccessKey, NonEmpty(getEnvironmentVariable(SessionTokenVariable)));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
