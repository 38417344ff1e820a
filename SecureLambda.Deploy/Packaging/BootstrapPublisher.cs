using System.Diagnostics;
using System.Globalization;
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
public sealed class BootstrapPublisher(string repositoryRoot, string outputDirectory, TimeProvider time) : IBootstrapPackager
{
    public const string RuntimeIdentifier = "linux-x64";
    public const string ZipName = "secure-lambda-functions.zip";
    private const string ProjectName = "SecureLambda.Functions";

    public async Task<LambdaPackage> BuildAsync(TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        using var packagingLock = await PackagingLock.AcquireAsync(outputDirectory, log, cancellationToken);
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
            await log.WriteLineAsync($"Publishing the bootstrap with Native AOT for {RuntimeIdentifier} (about a minute on a small machine) …");
        }
        else
        {
            await log.WriteLineAsync(
                $"Publishing the bootstrap as self-contained ReadyToRun for {RuntimeIdentifier}, NOT Native AOT: {why}. " +
                "It runs on provided.al2023 but cold-starts slower; publish from Linux x64 with clang for the AOT build.");
            args.AddRange(["-p:PublishAot=false", "-p:PublishReadyToRun=true", "--self-contained"]);
        }

        var started = time.GetTimestamp();
        await RunDotnetAsync(args, elapsed => log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  publishing … {elapsed.TotalSeconds:0} s")), cancellationToken);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Published in {time.GetElapsedTime(started).TotalSeconds:0.0} s."));
        var package = LambdaZip.Create(publishDirectory, Path.Combine(outputDirectory, ZipName), aot ? LambdaZip.BootstrapName : ProjectName);
        await log.WriteLineAsync($"Package: {package.ZipPath} (sha256 {package.Sha256[..16]}…)");
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
        findOnPath ??= ExecutableSearch.FindOnPath;
        var found = findOnPath("clang") is not null || Enumerable.Range(10, 15).Any(version => findOnPath($"clang-{version}") is not null);
        return found ? (true, "") : (false, "clang is not on PATH (apt-get install clang zlib1g-dev)");
    }


    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(15);

    /// <summary>Runs <c>dotnet</c>, reporting the time it has taken every <see cref="ProgressInterval"/>.</summary>
    private async Task RunDotnetAsync(IEnumerable<string> args, Func<TimeSpan, Task> progress, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = Process.Start(startInfo) ?? throw new DeployException("Could not start dotnet to publish the bootstrap.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var started = time.GetTimestamp();
        try
        {
            var exited = process.WaitForExitAsync(cancellationToken);
            while (await Task.WhenAny(exited, Task.Delay(ProgressInterval, time, cancellationToken)) != exited)
            {
                await progress(time.GetElapsedTime(started));
            }

            await exited;
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: the publish must not run on behind our back and hold the output folder.
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            var output = $"{await stdout}{await stderr}".Trim();
            var firstError = output.Split('\n').FirstOrDefault(line => line.Contains("error", StringComparison.OrdinalIgnoreCase))?.Trim();
            throw new DeployException(
                $"dotnet publish of the bootstrap failed (exit {process.ExitCode}): {firstError ?? "no error line"}. Run `dotnet publish {ProjectName} -c Release -r {RuntimeIdentifier}` to see it all.",
                details: output);
        }
    }
}

/// <summary>
/// Zips a bootstrap that is published already (<c>--bootstrap-dir</c>): what CI does when it has built and tested the
/// Native AOT binary once and deploys exactly that binary.
/// </summary>
public sealed class PublishedBootstrapPackager(string publishDirectory, string outputDirectory) : IBootstrapPackager
{
    public async Task<LambdaPackage> BuildAsync(TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (!Directory.Exists(publishDirectory))
        {
            throw new DeployException($"--bootstrap-dir {publishDirectory} does not exist.", ExitCodes.Usage);
        }

        using var packagingLock = await PackagingLock.AcquireAsync(outputDirectory, log, cancellationToken);
        var package = LambdaZip.Create(publishDirectory, Path.Combine(outputDirectory, BootstrapPublisher.ZipName));
        await log.WriteLineAsync($"Package: {package.ZipPath} from {publishDirectory} (sha256 {package.Sha256[..16]}…)");
        return package;
    }
}
