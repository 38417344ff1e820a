namespace SecureLambda.LocalCloud.Waf;

/// <summary>
/// The request counts of one rate-based rule: per aggregation key, the requests seen in the last evaluation window.
/// </summary>
/// <remarks>
/// AWS WAF checks the rate every few seconds and "applies rate limiting near the limit that you set, but does not
/// guarantee an exact limit match", so some requests over the limit may pass before it starts blocking.
/// https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html
/// LocalCloud instead decides on every request and exactly: with limit N, the first N requests of a key within the
/// window pass and the next is blocked. That is stricter than AWS, and deterministic, so tests can rely on it.
/// <para>
/// Memory stays bounded: requests that arrive within <see cref="MergeWithin"/> of the first request of the newest slot
/// share that slot, so a key holds at most window / 100 ms slots; and keys whose requests have all left the window are
/// removed once per window. A slot leaves the window with its latest request (up to 100 ms late, which errs on the
/// strict side), but which slot a request joins is decided by the slot's fixed opening time: were it decided by the
/// latest request, a client sending more than 10 requests a second would keep one slot open for ever, and that slot
/// would never leave the window.
/// </para>
/// </remarks>
internal sealed class SlidingWindowRateCounter(long limit, TimeSpan window, TimeProvider timeProvider)
{
    private static readonly TimeSpan MergeWithin = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<string, KeyWindow> _keys = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private DateTimeOffset _lastSweep = timeProvider.GetUtcNow();

    /// <summary>The number of aggregation keys currently tracked.</summary>
    public int TrackedKeys
    {
        get
        {
            lock (_gate)
            {
                return _keys.Count;
            }
        }
    }

    /// <summary>Counts one request for <paramref name="key"/> and says whether the key is now over the limit.</summary>
    public bool RecordAndCheck(string key)
    {
        var now = timeProvider.GetUtcNow();
        var windowStart = now - window;
        lock (_gate)
        {
            SweepIfDue(now, windowStart);
            if (!_keys.TryGetValue(key, out var requests))
            {
                requests = new KeyWindow();
                _keys.Add(key, requests);
            }

            requests.Expire(windowStart);
            requests.Add(now);

            // The rule matches while the key's count in the window exceeds the limit.
            return requests.Total > limit;
        }
    }

    private void SweepIfDue(DateTimeOffset now, DateTimeOffset windowStart)
    {
        if (now - _lastSweep < window)
        {
            return;
        }

        _lastSweep = now;
        foreach (var (key, requests) in _keys)
        {
            requests.Expire(windowStart);
            if (requests.Total == 0)
            {
                _keys.Remove(key);
            }
        }
    }

    private sealed class KeyWindow
    {
        private readonly Queue<Slot> _slots = new();
        private Slot? _newest;

        public long Total { get; private set; }

        /// <summary>Drops the requests at or before <paramref name="windowStart"/>: the window is (now - window, now].</summary>
        public void Expire(DateTimeOffset windowStart)
        {
            while (_slots.TryPeek(out var oldest) && oldest.At <= windowStart)
            {
                Total -= _slots.Dequeue().Count;
            }

            if (_slots.Count == 0)
            {
                _newest = null;
            }
        }

        public void Add(DateTimeOffset now)
        {
            if (_newest is not null && now - _newest.OpenedAt < MergeWithin)
            {
                _newest.At = now;
                _newest.Count++;
            }
            else
            {
                _newest = new Slot { OpenedAt = now, At = now, Count = 1 };
                _slots.Enqueue(_newest);
            }

            Total++;
        }
    }

    private sealed class Slot
    {
        /// <summary>When the slot's first request arrived; fixed, so the slot closes after <see cref="MergeWithin"/>.</summary>
        public DateTimeOffset OpenedAt { get; init; }

        /// <summary>When the slot's latest request arrived; the slot leaves the window with it.</summary>
        public DateTimeOffset At { get; set; }

        public long Count { get; set; }
    }
}
