namespace SecureLambda.AppHost;

/// <summary>How the AWS service plane runs, as the <c>Engine</c> setting names it.</summary>
public enum EngineKind
{
    /// <summary><c>moto_server</c> as an executable: the default, with no Docker.</summary>
    Moto,

    /// <summary>A moto image as a container (<c>Engine:Image</c>, <see cref="Engine.MotoImage"/> by default).</summary>
    Container,

    /// <summary>A LocalStack container, with Cognito on a moto beside it.</summary>
    LocalStack,
}

/// <summary>
/// The AWS service plane: <c>moto_server</c> as an executable by default, a moto container with
/// <c>Engine=Container</c>, or a LocalStack container with <c>Engine=LocalStack</c>. Every other resource reaches it
/// through the standard <c>AWS_ENDPOINT_URL[_SERVICE]</c> variables.
/// </summary>
public static class Engine
{
    public const string MotoInstallHint =
        "moto_server is not on PATH. Install it with: pip install \"moto[server]\" (Python 3), or run the engine in Docker with Engine=Container.";

    /// <summary>
    /// The public moto image, of the moto version the executable engine is tested with. Where no registry is reachable,
    /// <c>scripts/build-engine-image.sh</c> builds <c>securelambda/moto-engine:5.2.1</c> from Debian instead.
    /// </summary>
    public const string MotoImage = "motoserver/moto:5.2.1";

    /// <summary>The port moto listens on inside its image.</summary>
    public const int MotoContainerPort = 5000;

    /// <summary>The last LocalStack tag that runs without an auth token.</summary>
    public const string LocalStackTag = "4.14.0";

    /// <summary>
    /// <c>moto_server</c> on <paramref name="port"/>, loopback only, with <c>moto/sitecustomize.py</c> on its
    /// <c>PYTHONPATH</c>: its request log goes to stdout, so the dashboard does not show every request as an error line.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> AddMoto(this IDistributedApplicationBuilder builder, string name, int port)
    {
        var executable = ExecutableSearch.FindOnPath("moto_server") ?? throw new DistributedApplicationException(MotoInstallHint);
        var pythonPath = string.Join(Path.PathSeparator, new[] { Path.Combine(builder.AppHostDirectory, "moto"), Environment.GetEnvironmentVariable("PYTHONPATH") }.Where(path => !string.IsNullOrEmpty(path)));
        return builder.AddExecutable(name, executable, builder.AppHostDirectory, "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("PYTHONPATH", pythonPath)
            .WithHttpEndpoint(port: port, isProxied: false)
            .WithHttpHealthCheck("/moto-api/");
    }

    /// <summary>The <c>Engine</c> setting: <see cref="EngineKind.Moto"/> when unset; a value that names no kind is refused.</summary>
    public static EngineKind KindFrom(string? setting) =>
        string.IsNullOrEmpty(setting) ? EngineKind.Moto
        : Enum.TryParse<EngineKind>(setting, ignoreCase: true, out var kind) && Enum.IsDefined(kind) ? kind
        : throw new DistributedApplicationException($"Engine={setting} names no engine; use one of {string.Join(", ", Enum.GetNames<EngineKind>())}.");

    /// <summary>
    /// moto from <paramref name="image"/> (<c>name:tag</c>) as a container on <paramref name="port"/>, pulled only when
    /// missing, so that a locally built image is used as it is.
    /// </summary>
    public static IResourceBuilder<ContainerResource> AddMotoContainer(this IDistributedApplicationBuilder builder, string name, int port, string image) =>
        builder.AddContainer(name, image)
            .WithImage(image)
            .WithImagePullPolicy(ImagePullPolicy.Missing)
            .WithHttpEndpoint(port: port, targetPort: MotoContainerPort, isProxied: false)
            .WithHttpHealthCheck("/moto-api/");

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
