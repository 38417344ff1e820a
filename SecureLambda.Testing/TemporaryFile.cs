namespace SecureLambda.Testing;

/// <summary>A path in a fresh temporary folder of its own, removed with everything in it (SQLite's -wal and -shm files too) when disposed.</summary>
public sealed class TemporaryFile : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("secure-lambda-").FullName;

    public TemporaryFile(string name) => Path = System.IO.Path.Combine(_folder, name);

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A process that still holds a file keeps it; the system's temporary folder is cleaned in time.
        }
    }
}
