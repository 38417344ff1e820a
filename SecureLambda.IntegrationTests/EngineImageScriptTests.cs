using System.Diagnostics;

namespace SecureLambda.IntegrationTests;

/// <summary><c>scripts/build-engine-image.sh</c>, on the paths that cost nothing: where it can't run, and where its image exists.</summary>
public sealed class EngineImageScriptTests
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "scripts", "build-engine-image.sh");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task WithoutDocker_ItExits3_SayingWhatIsMissing()
    {
        // A PATH that holds this machine's Python (moto is found through it) and nothing else, so no docker.
        var (_, python, _) = await RunAsync("python3", ["-c", "import sys; print(sys.executable)"]);
        var bin = Directory.CreateTempSubdirectory("no-docker-");
        try
        {
            File.CreateSymbolicLink(Path.Combine(bin.FullName, "python3"), python.Trim());

            var (exitCode, _, error) = await RunAsync("/bin/bash", [Script], bin.FullName);

            Assert.Equal(3, exitCode);
            Assert.Equal("build-engine-image: cannot run here: docker is not on PATH (apt-get install docker.io)", error.Trim());
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task WhenTheImageExists_ItDoesNothing()
    {
        var image = Environment.GetEnvironmentVariable(EngineImage.Variable);
        if (string.IsNullOrEmpty(image))
        {
            Assert.Skip($"Needs {EngineImage.Variable}, the image this script built (as .ci/run sets it).");
        }

        if (await Testing.DockerEngine.WhyUnavailableAsync(TestContext.Current.CancellationToken) is { } reason)
        {
            Assert.Skip($"Needs a Docker engine, and {reason}.");
        }

        var (exitCode, output, _) = await RunAsync("/bin/bash", [Script, image]);

        Assert.Equal(0, exitCode);
        Assert.Equal($"build-engine-image: {image} is present; nothing to do", output.Trim());
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string executable, string[] args, string? path = null)
    {
        var startInfo = new ProcessStartInfo(executable, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (path is not null)
        {
            startInfo.Environment["PATH"] = path;
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
