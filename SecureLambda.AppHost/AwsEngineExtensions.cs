namespace SecureLambda.AppHost;

public static class AwsEngineExtensions
{
    public const string AccessKeyIdVariable = "AWS_ACCESS_KEY_ID";
    public const string SecretAccessKeyVariable = "AWS_SECRET_ACCESS_KEY";

    /// <summary>The local account's credentials: the engine accepts any, and LocalCloud's signed APIs take these.</summary>
    public const string LocalAccessKeyId = "test";
    public const string LocalSecretAccessKey = "test";

    /// <summary>
    /// Points a resource's AWS clients at the engine with the standard variables, with the region and dummy
    /// credentials a local engine accepts (Lambda gives real ones in AWS).
    /// </summary>
    public static IResourceBuilder<T> WithAwsEngine<T>(this IResourceBuilder<T> resource, ReferenceExpression engine, ReferenceExpression cognito, string region)
        where T : IResourceWithEnvironment => resource
        .WithEnvironment("AWS_ENDPOINT_URL", engine)
        .WithEnvironment("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", cognito)
        .WithEnvironment("AWS_REGION", region)
        .WithEnvironment("AWS_DEFAULT_REGION", region)
        .WithEnvironment(AccessKeyIdVariable, LocalAccessKeyId)
        .WithEnvironment(SecretAccessKeyVariable, LocalSecretAccessKey);
}
