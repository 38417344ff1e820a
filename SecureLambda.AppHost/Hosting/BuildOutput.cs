using Microsoft.Extensions.Configuration;

namespace SecureLambda.AppHost.Hosting;

/// <summary>
/// The stack's .NET processes started from what the AppHost's build already put out. Aspire starts a project resource
/// with <c>dotnet run --project … --no-build</c>, which evaluates the project with MSBuild before the process exists:
/// 0.8 s of CPU for each of LocalCloud and the three functions, at the same moment, on the start-up's critical path
/// (docs/performance.md). <c>dotnet bin/{Configuration}/{tfm}/{name}.dll</c> starts the same build at once.
/// </summary>
public static class BuildOutput
{
    /// <summary>The variable through which an IDE (Visual Studio, VS Code, Rider) tells Aspire that it launches the projects.</summary>
    public const string DebugSessionPortVariable = "DEBUG_SESSION_PORT";

    /// <summary>
    /// The assembly a project's build puts out, in the configuration and target framework the AppHost itself was built
    /// with, as <c>dotnet run --no-build</c> finds it: <c>bin/{Configuration}/{tfm}/{name}.dll</c>.
    /// </summary>
    public static string AssemblyOf(string projectPath)
    {
        var entry = typeof(BuildOutput).Assembly;
        var configurationName = entry.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .OfType<System.Reflection.AssemblyConfigurationAttribute>().Single().Configuration;
        var framework = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
        return Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", configurationName, framework, Path.GetFileNameWithoutExtension(projectPath) + ".dll");
    }

    /// <summary>Whether an IDE runs the AppHost in a debug session, and so launches the projects itself to attach to them.</summary>
    public static bool InIdeDebugSession(IConfiguration configuration) => !string.IsNullOrEmpty(configuration[DebugSessionPortVariable]);

    /// <summary>
    /// Starts <paramref name="project"/> as <c>dotnet {its build's assembly}</c>, in its project folder as
    /// <c>dotnet run</c> would, when the AppHost runs the stack (a publish writes the project as it is). An IDE's debug
    /// session and <c>dotnet watch</c> keep Aspire's own launch: the IDE starts the project to attach its debugger, and
    /// <c>dotnet watch</c> rebuilds it on every change.
    /// </summary>
    public static IResourceBuilder<ProjectResource> StartedFromBuildOutput(this IResourceBuilder<ProjectResource> project)
    {
        ArgumentNullException.ThrowIfNull(project);
        var configuration = project.ApplicationBuilder.Configuration;
        if (!project.ApplicationBuilder.ExecutionContext.IsRunMode || InIdeDebugSession(configuration) || string.Equals(configuration["DOTNET_WATCH"], "true", StringComparison.OrdinalIgnoreCase))
        {
            return project;
        }

        var projectPath = project.Resource.GetProjectMetadata().ProjectPath;
        return project
            .WithAnnotation(new ExecutableAnnotation { Command = "dotnet", WorkingDirectory = Path.GetDirectoryName(projectPath)! }, ResourceAnnotationMutationBehavior.Replace)
            .WithArgs(AssemblyOf(projectPath));
    }
}
