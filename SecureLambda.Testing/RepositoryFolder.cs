namespace SecureLambda.Testing;

/// <summary>The clone the tests were built from: the nearest folder upwards that holds <c>SecureLambda.sln</c>.</summary>
public static class RepositoryFolder
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SecureLambda.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No SecureLambda.sln above {AppContext.BaseDirectory}.");
    }
}
