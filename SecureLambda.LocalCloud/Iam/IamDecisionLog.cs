using System.Collections.Concurrent;
using SecureLambda.Aws.LocalCloud;

namespace SecureLambda.LocalCloud.Iam;

/// <summary>
/// IAM's decisions per role since LocalCloud started, for <c>GET /_localcloud/stack</c>: the dashboard shows each role's
/// denies and the last one's message on the role, and a test can prove a path needed no more than the role allows.
/// </summary>
public sealed class IamDecisionLog
{
    private readonly ConcurrentDictionary<string, Counts> _byRole = new(StringComparer.Ordinal);

    public void Allowed(string roleLogicalId) => Interlocked.Increment(ref _byRole.GetOrAdd(roleLogicalId, _ => new Counts()).Allowed);

    public void Denied(string roleLogicalId, string message)
    {
        var counts = _byRole.GetOrAdd(roleLogicalId, _ => new Counts());
        Interlocked.Increment(ref counts.Denied);
        Volatile.Write(ref counts.LastDenied, message);
    }

    public IReadOnlyList<RoleDecisions> Snapshot() =>
        [.. _byRole.OrderBy(entry => entry.Key, StringComparer.Ordinal)
            .Select(entry => new RoleDecisions(entry.Key, Interlocked.Read(ref entry.Value.Allowed), Interlocked.Read(ref entry.Value.Denied), Volatile.Read(ref entry.Value.LastDenied)))];

    private sealed class Counts
    {
        public long Allowed;
        public long Denied;
        public string? LastDenied;
    }
}
