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
        var (_, python) = await ExternalTool.RunAsync("python3", ["-c", "import sys; print(sys.executable)"], Timeout);
        var bin = Directory.CreateTempSubdirectory("no-docker-");
        try
        {
            File.CreateSymbolicLink(Path.Combine(bin.FullName, "python3"), python);

            var (exitCode, output) = await ExternalTool.RunAsync("/bin/bash", [Script], Timeout, new Dictionary<string, string> { ["PATH"] = bin.FullName });

            Assert.Equal(3, exitCode);
            Assert.Equal("build-engine-image: cannot run here: docker is not on PATH (apt-get install docker.io)", output);
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

        var (exitCode, output) = await ExternalTool.RunAsync("/bin/bash", [Script, image], Timeout);

        Assert.Equal(0, exitCode);
        Assert.Equal($"build-engine-image: {image} is present; nothing to do", output);
    }
}
