using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;

namespace SecureLambda.IntegrationTests.AppHost;

/// <summary>
/// Every line an Aspire resource writes (what the dashboard's console view shows), collected from the moment the app
/// starts, so a test can wait for a line with a deadline instead of sleeping.
/// </summary>
internal sealed class ResourceLog : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watching;
    private TaskCompletionSource _lineArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ResourceLog(ResourceLoggerService logs, IResource resource)
    {
        ResourceName = resource.Name;
        _watching = WatchAsync(logs, resource, _stop.Token);
    }

    public string ResourceName { get; }

    /// <summary>How many lines have arrived so far: a position to look from with <see cref="WaitForLineAsync"/>.</summary>
    public int Count => _lines.Count;

    /// <summary>The lines that have arrived so far from position <paramref name="from"/> on.</summary>
    public IReadOnlyList<string> LinesFrom(int from) => [.. _lines.Skip(from)];

    /// <summary>
    /// Waits until the resource has written a line that matches, at or after position <paramref name="from"/>, and
    /// returns the first such line.
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken, int from = 0)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var arrived = Volatile.Read(ref _lineArrived).Task;
                if (_lines.Skip(from).FirstOrDefault(match) is { } line)
                {
                    return line;
                }

                await arrived.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"No matching line from {ResourceName} within {timeout}. Its last lines:{Environment.NewLine}{string.Join(Environment.NewLine, _lines.TakeLast(20))}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _watching;
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose.
        }

        _stop.Dispose();
    }

    // By resource, not by name: DCP runs each resource under an instance name (internal-lambda-xxxxxxxx), and only this
    // overload resolves it.
    private async Task WatchAsync(ResourceLoggerService logs, IResource resource, CancellationToken cancellationToken)
    {
        await foreach (var batch in logs.WatchAsync(resource).WithCancellation(cancellationToken))
        {
            foreach (var line in batch)
            {
                _lines.Enqueue(line.Content);
            }

            Interlocked.Exchange(ref _lineArrived, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }
}
