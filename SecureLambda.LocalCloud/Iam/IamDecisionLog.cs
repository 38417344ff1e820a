using System.Collections.Concurrent;
using SecureLambda.Aws.LocalCloud;

namespace SecureLambda.LocalCloud.Iam;

/// <summary>
/// IAM's decisions since LocalCloud started, per role (its calls) and per function (its invocations), for
/// <c>GET /_localcloud/stack</c>: the dashboard shows the denies and the last one's message on the resource, and a test
/// can prove a path needed no more than the roles allow.
/// </summary>
public sealed class IamDecisionLog
{
    private readonly ConcurrentDictionary<string, Counts> _byResource = new(StringComparer.Ordinal);

    public void Allowed(string logicalId) => Interlocked.Increment(ref _byResource.GetOrAdd(logicalId, _ => new Counts()).Allowed);

    public void Denied(string logicalId, string message)
    {
        var counts = _byResource.GetOrAdd(logicalId, _ => new Counts());
        Interlocked.Increment(ref counts.Denied);
        Volatile.Write(ref counts.LastDenied, message);
    }

    public IReadOnlyList<IamDecisionCounts> Snapshot() =>
        [.. _byResource.OrderBy(entry => entry.Key, StringComparer.Ordinal)
            .Select(entry => new IamDecisionCounts(entry.Key, Interlocked.Read(ref entry.Value.Allowed), Interlocked.Read(ref entry.Value.Denied), Volatile.Read(ref entry.Value.LastDenied)))];

    private sealed class Counts
    {
        public long Allowed;
        public long Denied;
        public string? LastDenied;
    }
}
