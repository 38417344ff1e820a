namespace SecureLambda.AppHost;

public static class AwsEngineExtensions
{
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
        .WithEnvironment("AWS_ACCESS_KEY_ID", "test")
        .WithEnvironment("AWS_SECRET_ACCESS_KEY", "test");
}
