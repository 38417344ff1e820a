extern alias AppHost;

using Engine = AppHost::SecureLambda.AppHost.Hosting.Engine;

namespace SecureLambda.IntegrationTests;

/// <summary>
/// The moto image that the container tests run: <see cref="Variable"/> when it is set (our CI sets the image that
/// <c>scripts/build-engine-image.sh</c> builds), else the public image the AppHost defaults to.
/// </summary>
internal static class EngineImage
{
    public const string Variable = "SECURELAMBDA_ENGINE_IMAGE";

    public static string Configured => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } image ? image : Engine.MotoImage;

    /// <summary>The port moto listens on inside the image, as the AppHost publishes it.</summary>
    public const int ContainerPort = Engine.MotoContainerPort;

    /// <summary>Null when a Docker engine has the image (pulled if need be); otherwise the skip reason.</summary>
    public static async Task<string?> WhyUnavailableAsync(CancellationToken cancellationToken) =>
        await Testing.DockerEngine.WhyImageUnavailableAsync(Configured, cancellationToken) is { } reason
            ? $"Needs a Docker engine with {Configured} ({Variable} names another image), and {reason}."
            : null;
}
