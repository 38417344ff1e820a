namespace SecureLambda.Deploy.Packaging;

/// <summary>
/// One packaging at a time per output folder: two deploys started from one working copy (two stacks, two terminals)
/// would otherwise publish into, and zip from, the same folder at once. The lock is an open file, so a killed run
/// releases it with its process and never leaves a stale lock behind.
/// </summary>
public static class PackagingLock
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(250);

    public static async Task<IDisposable> AcquireAsync(string outputDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outputDirectory);
        var path = Path.Combine(outputDirectory, ".packaging.lock");
        var waiting = false;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                if (!waiting)
                {
                    waiting = true;
                    await log.WriteLineAsync($"Another deploy is packaging in {outputDirectory}: waiting for it to finish (Ctrl+C to stop) …");
                }

                // Polling is the only portable way to wait for another process's file lock; Ctrl+C ends the wait.
                await Task.Delay(RetryInterval, cancellationToken);
            }
        }
    }
}
