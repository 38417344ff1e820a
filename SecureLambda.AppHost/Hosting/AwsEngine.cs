using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace SecureLambda.AppHost.Hosting;

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
/// The AWS service plane a stack's resources call: where its clients send requests (<c>AWS_ENDPOINT_URL</c>, and
/// <c>AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER</c> where Cognito is served apart), in which region, and the
/// processes that must have started before a client calls. A moto process, a moto or LocalStack container, or an
/// endpoint that runs already; <see cref="AwsEngineReference.WithReference{T}(IResourceBuilder{T}, IResourceBuilder{IAwsEngineResource})"/> hands it on.
/// </summary>
public interface IAwsEngineResource : IResource
{
    ReferenceExpression EndpointUrl { get; }

    ReferenceExpression CognitoEndpointUrl { get; }

    string Region { get; }

    /// <summary>What a client waits for to start: the engine's own processes (none for an endpoint that runs already).</summary>
    IReadOnlyList<IResource> Processes { get; }
}

/// <summary><c>moto_server</c> as an executable: every service, Cognito included, on one endpoint.</summary>
public sealed class MotoResource(string name, string command, string workingDirectory, string region)
    : ExecutableResource(name, command, workingDirectory), IAwsEngineResource
{
    public EndpointReference Endpoint => new(this, "http");

    public ReferenceExpression EndpointUrl => ReferenceExpression.Create($"{Endpoint}");

    public ReferenceExpression CognitoEndpointUrl => EndpointUrl;

    public string Region { get; } = region;

    public IReadOnlyList<IResource> Processes => [this];
}

/// <summary>moto from an image, as a container: every service on one endpoint.</summary>
public sealed class MotoContainerResource(string name, string region) : ContainerResource(name), IAwsEngineResource
{
    public EndpointReference Endpoint => new(this, "http");

    public ReferenceExpression EndpointUrl => ReferenceExpression.Create($"{Endpoint}");

    public ReferenceExpression CognitoEndpointUrl => EndpointUrl;

    public string Region { get; } = region;

    public IReadOnlyList<IResource> Processes => [this];
}

/// <summary>LocalStack as a container, with Cognito on a moto beside it (LocalStack's free tier has no Cognito).</summary>
public sealed class LocalStackResource(string name, MotoResource cognito, string region) : ContainerResource(name), IAwsEngineResource
{
    public MotoResource Cognito { get; } = cognito;

    public EndpointReference Endpoint => new(this, "http");

    public ReferenceExpression EndpointUrl => ReferenceExpression.Create($"{Endpoint}");

    public ReferenceExpression CognitoEndpointUrl => Cognito.EndpointUrl;

    public string Region { get; } = region;

    public IReadOnlyList<IResource> Processes => [this, Cognito];
}

/// <summary>
/// An engine that runs already at <c>Engine:Url</c> (a LocalStack the Testcontainers-based tests start, for example),
/// with Cognito on a moto of ours.
/// </summary>
public sealed class ExistingAwsEndpointResource(string name, Uri url, MotoResource cognito, string region) : Resource(name), IAwsEngineResource
{
    public Uri Url { get; } = url;

    public MotoResource Cognito { get; } = cognito;

    public ReferenceExpression EndpointUrl => ReferenceExpression.Create($"{Url.ToString().TrimEnd('/')}");

    public ReferenceExpression CognitoEndpointUrl => Cognito.EndpointUrl;

    public string Region { get; } = region;

    public IReadOnlyList<IResource> Processes => [Cognito];
}

/// <summary>
/// The AWS service plane: <c>moto_server</c> as an executable by default, a moto container with
/// <c>Engine=Container</c>, a LocalStack container with <c>Engine=LocalStack</c>, or what runs at <c>Engine:Url</c>.
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

    /// <summary>The region of the local account unless <c>Engine:Region</c> says otherwise.</summary>
    public const string DefaultRegion = "us-east-1";

    /// <summary>
    /// The engine's port unless <c>Engine:Port</c> says otherwise: behind the stack's AWS endpoint (4566), which
    /// LocalCloud serves in front of it, so that only LocalCloud calls the engine directly.
    /// </summary>
    public const int DefaultPort = 4568;

    /// <summary>
    /// The engine the configuration asks for (<c>Engine</c>, <c>Engine:Port</c>, <c>Engine:Image</c>, <c>Engine:Url</c>,
    /// <c>Engine:Region</c>), under <paramref name="name"/>. An unknown <c>Engine</c> is refused, naming the kinds.
    /// </summary>
    public static IResourceBuilder<IAwsEngineResource> AddAwsEngine(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var port = configuration.GetValue("Engine:Port", DefaultPort);
        var region = configuration["Engine:Region"] is { Length: > 0 } configured ? configured : DefaultRegion;
        var kind = KindFrom(configuration["Engine"]);
        IAwsEngineResource engine = configuration["Engine:Url"] is { Length: > 0 } url
            ? new ExistingAwsEndpointResource(name, new Uri(url), builder.AddMoto(ResourceNames.CognitoEngine, port + 100, region).Resource, region)
            : kind switch
            {
                EngineKind.Container => builder.AddMotoContainer(name, port, configuration["Engine:Image"] is { Length: > 0 } image ? image : MotoImage, region).Resource,
                EngineKind.LocalStack => builder.AddLocalStack(name, port, builder.AddMoto(ResourceNames.CognitoEngine, port + 100, region).Resource, region).Resource,
                _ => builder.AddMoto(name, port, region).Resource,
            };
        if (engine is ExistingAwsEndpointResource existing)
        {
            builder.AddResource(existing)
                .WithUrl(existing.Url.ToString(), "AWS endpoint")
                .WithInitialState(new CustomResourceSnapshot
                {
                    ResourceType = "AWSEndpoint",
                    State = new ResourceStateSnapshot("Running", KnownResourceStateStyles.Success),
                    Properties = [new ResourcePropertySnapshot(CustomResourceKnownProperties.Source, existing.Url.ToString())],
                })
                .ExcludeFromManifest();
        }

        return builder.CreateResourceBuilder(engine);
    }

    /// <summary>The <c>Engine</c> setting: <see cref="EngineKind.Moto"/> when unset; a value that names no kind is refused.</summary>
    public static EngineKind KindFrom(string? setting) =>
        string.IsNullOrEmpty(setting) ? EngineKind.Moto
        : Enum.TryParse<EngineKind>(setting, ignoreCase: true, out var kind) && Enum.IsDefined(kind) ? kind
        : throw new DistributedApplicationException($"Engine={setting} names no engine; use one of {string.Join(", ", Enum.GetNames<EngineKind>())}.");

    /// <summary>
    /// <c>moto_server</c> on <paramref name="port"/>, loopback only, with <c>moto/sitecustomize.py</c> on its
    /// <c>PYTHONPATH</c>: its request log goes to stdout, so the dashboard does not show every request as an error line,
    /// and moto reads its module list once instead of on every request.
    /// </summary>
    private static IResourceBuilder<MotoResource> AddMoto(this IDistributedApplicationBuilder builder, string name, int port, string region)
    {
        // aspire deploy models the local stack too but runs none of it: only a run needs moto installed.
        var executable = ExecutableSearch.FindOnPath("moto_server")
            ?? (builder.ExecutionContext.IsRunMode ? throw new DistributedApplicationException(MotoInstallHint) : "moto_server");
        return builder.AddResource(new MotoResource(name, executable, builder.AppHostDirectory, region))
            .WithArgs("-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("PYTHONPATH", PythonPath.WithFirst(Path.Combine(builder.AppHostDirectory, "moto")))
            .WithHttpEndpoint(port: port, isProxied: false)
            .WithHttpHealthCheck("/moto-api/");
    }

    /// <summary>
    /// moto from <paramref name="image"/> (<c>name:tag</c>) as a container on <paramref name="port"/>, pulled only when
    /// missing, so that a locally built image is used as it is.
    /// </summary>
    private static IResourceBuilder<MotoContainerResource> AddMotoContainer(this IDistributedApplicationBuilder builder, string name, int port, string image, string region) =>
        builder.AddResource(new MotoContainerResource(name, region))
            .WithImage(image)
            .WithImagePullPolicy(ImagePullPolicy.Missing)
            .WithHttpEndpoint(port: port, targetPort: MotoContainerPort, isProxied: false)
            .WithHttpHealthCheck("/moto-api/");

    private static IResourceBuilder<LocalStackResource> AddLocalStack(this IDistributedApplicationBuilder builder, string name, int port, MotoResource cognito, string region)
    {
        var token = builder.AddParameter(ResourceNames.LocalStackAuthToken, secret: true);
        var tag = string.IsNullOrEmpty(builder.Configuration[$"Parameters:{ResourceNames.LocalStackAuthToken}"]) ? LocalStackTag : "latest";
        return builder.AddResource(new LocalStackResource(name, cognito, region))
            .WithImage("localstack/localstack", tag)
            .WithHttpEndpoint(port: port, targetPort: 4566, isProxied: false)
            .WithEnvironment("LOCALSTACK_AUTH_TOKEN", token)
            .WithEnvironment("SERVICES", "sns,sqs,secretsmanager,cognito-idp")
            .WithHttpHealthCheck("/_localstack/health");
    }
}
