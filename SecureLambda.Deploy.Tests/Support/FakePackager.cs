using SecureLambda.Deploy.Packaging;

namespace SecureLambda.Deploy.Tests.Support;

/// <summary>A tiny fake <c>bootstrap</c> zipped the real way, so tests never run the Native AOT publish.</summary>
public sealed class FakePackager(string directory, string content = "#!/bin/sh\necho fake bootstrap\n") : IBootstrapPackager
{
    public int Builds { get; private set; }

    public LambdaPackage? Last { get; private set; }

    public Task<LambdaPackage> BuildAsync(TextWriter log, CancellationToken cancellationToken)
    {
        Builds++;
        var publish = Path.Combine(directory, "publish");
        Directory.CreateDirectory(publish);
        File.WriteAllText(Path.Combine(publish, "bootstrap"), content);
        Last = LambdaZip.Create(publish, Path.Combine(directory, $"package-{Builds}.zip"));
        return Task.FromResult(Last);
    }
}

/// <summary>A folder under the system temp folder, deleted with the test.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("securelambda-deploy-tests-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

public static class Repository
{
    public static string Root { get; } = Deploy.Cli.RepositoryRoot.Find(AppContext.BaseDirectory);

    public static string TemplateText { get; } = File.ReadAllText(System.IO.Path.Combine(Root, "cloudformation", "secure-lambda.yaml"));
}
