using System.Diagnostics;
using System.Text.Json;

namespace SecureLambda.Testing;

/// <summary>
/// The real AWS CLI, a client we did not write, run with dummy credentials and the test region: where we claim AWS
/// compatibility, it is the judge.
/// </summary>
public static class AwsCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["AWS_REGION"] = MotoServer.Region,
        ["AWS_DEFAULT_REGION"] = MotoServer.Region,
        ["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretAccessKey,
        ["AWS_PAGER"] = string.Empty,
    };

    /// <summary>
    /// <c>--auth-parameters</c> for <c>initiate-auth</c> in the CLI's JSON form: the shorthand
    /// <c>USERNAME=u,PASSWORD=p</c> splits a password that holds a comma.
    /// </summary>
    public static string AuthParameters(string username, string password) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["USERNAME"] = username, ["PASSWORD"] = password });

    /// <summary>
    /// Runs <c>aws --output json ARGS</c> and returns its parsed output (an empty object when it printed nothing).
    /// A non-zero exit throws with the CLI's error text.
    /// </summary>
    public static Task<JsonElement> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    /// <summary>
    /// <see cref="RunAsync(string[])"/> with <paramref name="environment"/> over the defaults: another account's
    /// credentials, for example.
    /// </summary>
    public static async Task<JsonElement> RunAsync(IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var executable = ExecutableSearch.FindOnPath("aws") ?? throw new InvalidOperationException("The AWS CLI (aws) is not on PATH. Install it with: pip install awscli");
        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["--output", "json", .. args])
        {
            startInfo.ArgumentList.Add(arg);
        }

        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        foreach (var (name, value) in Environment.Concat(environment))
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start the AWS CLI.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"aws {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}");
        }

        var output = await stdout;
        return string.IsNullOrWhiteSpace(output) ? JsonDocument.Parse("{}").RootElement.Clone() : JsonDocument.Parse(output).RootElement.Clone();
    }
}
