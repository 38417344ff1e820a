using System.Diagnostics;

namespace SecureLambda.Bench.ColdStart;

/// <summary>Finds the repository and, when no paths were given, builds the two forms of the function fresh.</summary>
internal static class Artifacts
{
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SecureLambda.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run the harness from inside the SecureLambda repository, or pass --bootstrap and --jit.");
    }

    /// <summary><c>dotnet publish SecureLambda.Functions -c Release -r linux-x64 -o artifacts/bench/aot</c>.</summary>
    public static async Task<string> PublishAotAsync(string root)
    {
        var output = Path.Combine(root, "artifacts", "bench", "aot");
        await DotnetAsync(root, "publish", "SecureLambda.Functions", "-c", "Release", "-r", "linux-x64", "-o", output);
        return Path.Combine(output, "bootstrap");
    }

    /// <summary><c>dotnet build SecureLambda.Functions -c Release</c>; the dll is then run with <c>dotnet</c>.</summary>
    public static async Task<string> BuildJitAsync(string root)
    {
        await DotnetAsync(root, "build", "SecureLambda.Functions", "-c", "Release");
        return Path.Combine(root, "SecureLambda.Functions", "bin", "Release", "net10.0", "SecureLambda.Functions.dll");
    }

    private static async Task DotnetAsync(string root, params string[] args)
    {
        Console.Error.WriteLine($"$ dotnet {string.Join(' ', args)}");
        var startInfo = new ProcessStartInfo("dotnet") { WorkingDirectory = root, UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start dotnet.");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} exited {process.ExitCode}:{Environment.NewLine}{output}");
        }
    }
}
