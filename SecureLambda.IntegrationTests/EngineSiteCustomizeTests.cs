using SecureLambda.Testing;

namespace SecureLambda.IntegrationTests;

/// <summary>
/// The engine's start-up customisation (SecureLambda.AppHost/moto/sitecustomize.py, here the copy that
/// <see cref="MotoServer"/> puts on moto's PYTHONPATH), run in the <c>python3</c> on PATH, the one moto is installed for,
/// with it on PYTHONPATH and without.
/// </summary>
public sealed class EngineSiteCustomizeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // Asks moto for its module list, then makes listing or stat-ing a directory fail and asks again. Prints whether
    // the list is what moto's own rule (a package folder not named __*) gives for moto's directory, and whether the
    // second call had to look at the file system.
    private const string ModuleListScript = """
        import json, os, moto, moto.backends as backends
        first = list(backends.list_of_moto_modules())
        root = os.path.dirname(moto.__file__)
        expected = sorted(n for n in os.listdir(root) if os.path.isdir(os.path.join(root, n)) and not n.startswith("__"))
        def looked(*_):
            raise AssertionError("looked at the file system")
        os.listdir, os.path.isdir = looked, looked
        try:
            second = list(backends.list_of_moto_modules())
            listed_again = False
        except AssertionError:
            second, listed_again = None, True
        print(json.dumps({"same": first == expected and second in (None, first), "listedAgain": listed_again, "count": len(first), "sns": "sns" in first}))
        """;

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task MotosModuleList_IsReadOnceWithTheSiteCustomize_ListedAgainWithout_AndIsTheSameList(bool withSiteCustomize, bool expectListedAgain)
    {
        var (exitCode, output) = await RunPythonAsync(ModuleListScript, withSiteCustomize);

        Assert.True(exitCode == 0, output);
        var result = System.Text.Json.JsonDocument.Parse(output.Split('\n')[^1]).RootElement;
        Assert.True(result.GetProperty("same").GetBoolean(), output);
        Assert.True(result.GetProperty("sns").GetBoolean(), output);
        Assert.True(result.GetProperty("count").GetInt32() > 100, output);
        Assert.Equal(expectListedAgain, result.GetProperty("listedAgain").GetBoolean());
    }

    [Fact]
    public async Task WerkzeugsRequestLog_GoesToStdout_WithoutTheDevelopmentServerNotice_AndWarningsToStderr()
    {
        // The warning is logged first: the output is stdout then stderr (trimmed), so it comes last only if it went to stderr.
        const string script = """
            import logging
            log = logging.getLogger("werkzeug")
            log.warning("a warning of werkzeug's")
            log.info("WARNING: This is a development server. Do not use it in a production deployment.\n * Running on http://127.0.0.1:5000")
            log.info('127.0.0.1 - - "POST / HTTP/1.1" 200 -')
            """;

        var (exitCode, output) = await RunPythonAsync(script, withSiteCustomize: true);

        Assert.Equal(0, exitCode);
        Assert.Equal("* Running on http://127.0.0.1:5000\n127.0.0.1 - - \"POST / HTTP/1.1\" 200 -\na warning of werkzeug's", output.Replace("\r", "", StringComparison.Ordinal));
    }

    private static Task<(int ExitCode, string Output)> RunPythonAsync(string script, bool withSiteCustomize) =>
        ExternalTool.RunAsync("python3", ["-c", script], Timeout, new Dictionary<string, string> { ["PYTHONPATH"] = withSiteCustomize ? MotoServer.SiteCustomizeDirectory : "" });
}
