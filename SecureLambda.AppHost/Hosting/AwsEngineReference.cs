namespace SecureLambda.AppHost.Hosting;

/// <summary>How a resource is pointed at the AWS engine: the standard variables every AWS SDK and the AWS CLI read.</summary>
public static class AwsEngineReference
{
    public const string AccessKeyIdVariable = "AWS_ACCESS_KEY_ID";
    public const string SecretAccessKeyVariable = "AWS_SECRET_ACCESS_KEY";

    /// <summary>The local account's credentials: the engine accepts any, and LocalCloud's signed APIs take these.</summary>
    public const string LocalAccessKeyId = "test";
    public const string LocalSecretAccessKey = "test";

    /// <summary>
    /// Points the resource's AWS clients at <paramref name="engine"/> (<c>AWS_ENDPOINT_URL</c>, Cognito's own endpoint,
    /// the region, and the local account's credentials, where Lambda would hand a function its role's) and starts it
    /// once the engine's processes have started: the clients wait for the engine to answer themselves.
    /// </summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> resource, IResourceBuilder<IAwsEngineResource> engine)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(engine);
        var aws = engine.Resource;
        foreach (var process in aws.Processes)
        {
            resource.WaitForStart(resource.ApplicationBuilder.CreateResourceBuilder(process));
        }

        return resource
            .WithEnvironment("AWS_ENDPOINT_URL", aws.EndpointUrl)
            .WithEnvironment("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", aws.CognitoEndpointUrl)
            .WithEnvironment("AWS_REGION", aws.Region)
            .WithEnvironment("AWS_DEFAULT_REGION", aws.Region)
            .WithEnvironment(AccessKeyIdVariable, LocalAccessKeyId)
            .WithEnvironment(SecretAccessKeyVariable, LocalSecretAccessKey);
    }
}
