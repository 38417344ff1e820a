using System.Globalization;
using SecureLambda.Aws.CloudFormation;

namespace SecureLambda.Deploy.CloudFormation;

/// <summary>How a stack operation ended, with the first failed resource when it failed.</summary>
public sealed record StackOperationResult(string FinalStatus, bool Succeeded, StackEvent? FirstFailure, string? StackStatusReason);

/// <summary>
/// Prints a stack's new events, oldest first, as they arrive, until the stack reaches a final state. The delay between
/// polls is injected so that tests do not wait.
/// </summary>
public sealed class StackEventWatcher(
    CloudFormationClient cloudFormation,
    TextWriter output,
    Func<TimeSpan, CancellationToken, Task> delay,
    TimeSpan pollInterval)
{
    private static readonly HashSet<string> SuccessStatuses = new(StringComparer.Ordinal)
    {
        "CREATE_COMPLETE", "UPDATE_COMPLETE", "DELETE_COMPLETE", "IMPORT_COMPLETE",
    };

    /// <summary>The newest event's id, so that watching starts after it.</summary>
    public async Task<string?> LatestEventIdAsync(string stack, CancellationToken cancellationToken)
    {
        var (events, _) = await cloudFormation.DescribeStackEventsAsync(stack, null, cancellationToken);
        return events.Count > 0 ? events[0].EventId : null;
    }

    /// <summary>
    /// Starts a stack operation and follows it from the newest event on, by <paramref name="stackId"/> (a deleted stack
    /// is found by id only).
    /// </summary>
    /// <exception cref="DeployException">The operation ended in another status than <paramref name="expected"/>.</exception>
    public async Task RunAsync(string stackName, string stackId, Func<Task> start, string message, string expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var baseline = await LatestEventIdAsync(stackId, cancellationToken);
        await start();
        await output.WriteLineAsync(message);
        var result = await WatchAsync(stackId, baseline, cancellationToken);
        if (result.FinalStatus != expected)
        {
            throw new DeployException(FailureMessage(stackName, result));
        }
    }

    /// <summary>
    /// Watches <paramref name="stack"/> (its id: a deleted stack is still found by id) until its status is final. A stack
    /// that no longer exists counts as <c>DELETE_COMPLETE</c>.
    /// </summary>
    public async Task<StackOperationResult> WatchAsync(string stack, string? afterEventId, CancellationToken cancellationToken)
    {
        StackEvent? firstFailure = null;
        var seen = afterEventId;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Status first, then events: every event up to the final status is printed before returning.
            var description = await cloudFormation.DescribeStackAsync(stack, cancellationToken);
            var status = description?.Status ?? "DELETE_COMPLETE";
            var fresh = await NewEventsAsync(stack, seen, cancellationToken);
            foreach (var stackEvent in fresh)
            {
                await output.WriteLineAsync(Format(stackEvent));
                if (firstFailure is null && stackEvent.ResourceStatus.EndsWith("_FAILED", StringComparison.Ordinal))
                {
                    firstFailure = stackEvent;
                }
            }

            if (fresh.Count > 0)
            {
                seen = fresh[^1].EventId;
            }

            if (IsFinal(status))
            {
                return new StackOperationResult(status, SuccessStatuses.Contains(status), firstFailure, description?.StatusReason);
            }

            await delay(pollInterval, cancellationToken);
        }
    }

    /// <summary>The stack's end and its first failed resource, in one line.</summary>
    public static string FailureMessage(string stackName, StackOperationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.FirstFailure is { } failure
            ? $"Stack {stackName} ended {result.FinalStatus}. First failure: {failure.LogicalResourceId} ({failure.ResourceType}) {failure.ResourceStatus}: {failure.ResourceStatusReason}"
            : $"Stack {stackName} ended {result.FinalStatus}{(result.StackStatusReason is null ? "." : ": " + result.StackStatusReason)}";
    }

    /// <summary>Not in progress: <c>*_COMPLETE</c> or <c>*_FAILED</c>, rollbacks included.</summary>
    public static bool IsFinal(string status) =>
        !status.EndsWith("_IN_PROGRESS", StringComparison.Ordinal) && status != "REVIEW_IN_PROGRESS";

    internal static string Format(StackEvent stackEvent) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{stackEvent.Timestamp:HH:mm:ss}  {stackEvent.ResourceStatus,-28} {stackEvent.ResourceType,-36} {stackEvent.LogicalResourceId}") +
        (string.IsNullOrEmpty(stackEvent.ResourceStatusReason) ? "" : "  " + stackEvent.ResourceStatusReason);

    /// <summary>Events newer than <paramref name="afterEventId"/>, oldest first; pages back until it is found.</summary>
    private async Task<List<StackEvent>> NewEventsAsync(string stack, string? afterEventId, CancellationToken cancellationToken)
    {
        var fresh = new List<StackEvent>();
        string? nextToken = null;
        do
        {
            var (events, token) = await cloudFormation.DescribeStackEventsAsync(stack, nextToken, cancellationToken);
            foreach (var stackEvent in events)
            {
                if (stackEvent.EventId == afterEventId)
                {
                    fresh.Reverse();
                    return fresh;
                }

                fresh.Add(stackEvent);
            }

            nextToken = token;
        }
        while (!string.IsNullOrEmpty(nextToken));

        fresh.Reverse();
        return fresh;
    }
}
