namespace SecureLambda.Deploy.Cli;

public static class RepositoryRoot
{
    /// <summary>The nearest folder upwards that holds <c>SecureLambda.sln</c>; the start folder when there is none.</summary>
    public static string Find(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SecureLambda.sln")))
            {
                return directory.FullName;
            }
        }

        return start;
    }
}
