namespace SecureLambda.AppHost;

/// <summary>
/// The AWS service plane: <c>moto_server</c> as an executable by default, or a LocalStack container with
/// <c>Engine=LocalStack</c>. Either way every other resource reaches it through the standard
/// <c>AWS_ENDPOINT_URL[_SERVICE]</c> variables.
/// </summary>
public static class Engine
{
    public const string MotoInstallHint =
        "moto_server is not on PATH. Install it with: pip install \"moto[server]\" (Python 3), or run the engine in Docker with Engine=LocalStack.";

    /// <summary>The last LocalStack tag that runs without an auth token.</summary>
    public const string LocalStackTag = "4.14.0";

    public static IResourceBuilder<ExecutableResource> AddMoto(this IDistributedApplicationBuilder builder, string name, int port)
    {
        var executable = ExecutableSearch.FindOnPath("moto_server") ?? throw new DistributedApplicationException(MotoInstallHint);
        return builder.AddExecutable(name, executable, builder.AppHostDirectory, "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithHttpEndpoint(port: port, isProxied: false)
            .WithHttpHealthCheck("/moto-api/");
    }

    public static IResourceBuilder<ContainerResource> AddLocalStack(this IDistributedApplicationBuilder builder, string name, int port)
    {
        var token = builder.AddParameter(ResourceNames.LocalStackAuthToken, secret: true);
        var tag = string.IsNullOrEmpty(builder.Configuration[$"Parameters:{ResourceNames.LocalStackAuthToken}"]) ? LocalStackTag : "latest";
        return builder.AddContainer(name, "localstack/localstack", tag)
            .WithHttpEndpoint(port: port, targetPort: 4566, isProxied: false)
            .WithEnvironment("LOCALSTACK_AUTH_TOKEN", token)
            .WithEnvironment("SERVICES", "sns,sqs,secretsmanager,cognito-idp")
            .WithHttpHealthCheck("/_localstack/health");
    }

}
