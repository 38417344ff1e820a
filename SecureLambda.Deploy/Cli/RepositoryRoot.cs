namespace SecureLambda.Deploy.Cli;

public static class RepositoryRoot
{
    /// <summary>
    /// The nearest folder upwards of <paramref name="starts"/> (in order) that holds <c>SecureLambda.sln</c>: the working
    /// directory first, then the tool's own folder, so that a deploy started from anywhere still finds the template and
    /// the functions project of the clone it was built from. The first start folder when there is none.
    /// </summary>
    public static string Find(params string[] starts)
    {
        foreach (var start in starts)
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "SecureLambda.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        return starts[0];
    }
}
