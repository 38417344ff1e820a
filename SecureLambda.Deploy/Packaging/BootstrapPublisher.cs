using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SecureLambda.Deploy.Packaging;

/// <summary>Builds the deployment package; the tests hand the deployer a ready one instead of running a publish.</summary>
public interface IBootstrapPackager
{
    Task<LambdaPackage> BuildAsync(TextWriter log, CancellationToken cancellationToken);
}

/// <summary>
/// Publishes <c>SecureLambda.Functions</c> for linux-x64 and zips it. Native AOT where it can be built (Linux x64 with
/// clang on PATH, the documented prerequisite); elsewhere a self-contained ReadyToRun build, which runs on
/// <c>provided.al2023</c> too but starts slower, and the tool says so.
/// </summary>
public sealed class BootstrapPublisher(string repositoryRoot, string outputDirectory) : IBootstrapPackager
{
    public const string RuntimeIdentifier = "linux-x64";
    private const string ProjectName = "SecureLambda.Functions";

    public async Task<LambdaPackage> BuildAsync(TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var publishDirectory = Path.Combine(outputDirectory, "publish");
        if (Directory.Exists(publishDirectory))
        {
            Directory.Delete(publishDirectory, recursive: true);
        }

        var (aot, why) = CanPublishNativeAot();
        List<string> args =
        [
            "publish", Path.Combine(repositoryRoot, ProjectName), "-c", "Release", "-r", RuntimeIdentifier,
            "-o", publishDirectory, "--nologo", "-v", "quiet",
        ];
        if (aot)
        {
            await log.WriteLineAsync($"Publishing the bootstrap with Native AOT for {RuntimeIdentifier} …");
        }
        else
        {
            await log.WriteLineAsync(
                $"Publishing the bootstrap as self-contained ReadyToRun for {RuntimeIdentifier}, NOT Native AOT: {why}. " +
                "It runs on provided.al2023 but cold-starts slower; publish from Linux x64 with clang for the AOT build.");
            args.AddRange(["-p:PublishAot=false", "-p:PublishReadyToRun=true", "--self-contained"]);
        }

        await RunDotnetAsync(args, cancellationToken);
        var package = LambdaZip.Create(
            publishDirectory,
            Path.Combine(outputDirectory, "secure-lambda-functions.zip"),
            aot ? LambdaZip.BootstrapName : ProjectName);
        await log.WriteLineAsync($"Package: {package.ZipPath} (content sha256 {package.ContentHash[..16]}…)");
        return package;
    }

    /// <summary>Native AOT cannot cross-compile between OSes, and on Linux it links with clang.</summary>
    internal static (bool Aot, string Why) CanPublishNativeAot(Func<string, string?>? findOnPath = null)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (false, "Native AOT cannot cross-compile to Linux from " + RuntimeInformation.OSDescription);
        }

        if (RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            return (false, $"this machine is {RuntimeInformation.OSArchitecture}, and cross-architecture AOT needs a cross toolchain");
        }

        // ILCompiler links with `clang`, or a versioned `clang-N` when that is all there is (Ubuntu's clang-14 package).
        findOnPath ??= FindOnPath;
        var found = findOnPath("clang") is not null || Enumerable.Range(10, 15).Any(version => findOnPath($"clang-{version}") is not null);
        return found ? (true, "") : (false, "clang is not on PATH (apt-get install clang zlib1g-dev)");
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    private static async Task RunDotnetAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start dotnet.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new DeployException($"dotnet publish failed (exit {process.ExitCode}):{Environment.NewLine}{await stdout}{await stderr}".TrimEnd());
        }
    }
}
