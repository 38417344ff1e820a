namespace SecureLambda;

/// <summary>
/// <c>PYTHONPATH</c> for a Python process that must import a module of ours first (moto's <c>sitecustomize.py</c>):
/// the directory, then whatever the process would inherit. Compiled into each project that starts moto, as
/// <see cref="ExecutableSearch"/> is.
/// </summary>
internal static class PythonPath
{
    public static string WithFirst(string directory) =>
        string.Join(Path.PathSeparator, new[] { directory, Environment.GetEnvironmentVariable("PYTHONPATH") }.Where(path => !string.IsNullOrEmpty(path)));
}
