using System.Collections.Immutable;

namespace SecureLambda.LocalCloud.Faults;

/// <summary>
/// The fault rules of this LocalCloud, in memory: every call reads one immutable snapshot without a lock, and a change
/// swaps the whole list at once, so a call never sees half a rule set.
/// </summary>
public sealed class FaultRules
{
    private readonly Lock _writing = new();
    private ImmutableList<FaultRule> _rules = [];

    public ImmutableList<FaultRule> Current => Volatile.Read(ref _rules);

    /// <summary>Replaces every rule with <paramref name="rules"/>.</summary>
    public ImmutableList<FaultRule> Replace(IEnumerable<FaultRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var next = rules.ToImmutableList();
        if (next.Count > FaultRuleParser.MaxRules)
        {
            throw new ArgumentException($"At most {FaultRuleParser.MaxRules} rules.", nameof(rules));
        }

        lock (_writing)
        {
            Volatile.Write(ref _rules, next);
        }

        return next;
    }

    /// <summary>Adds <paramref name="rules"/> after the current ones; null, and nothing changed, when that would make too many.</summary>
    public ImmutableList<FaultRule>? TryAppend(IEnumerable<FaultRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        lock (_writing)
        {
            var next = _rules.AddRange(rules);
            if (next.Count > FaultRuleParser.MaxRules)
            {
                return null;
            }

            Volatile.Write(ref _rules, next);
            return next;
        }
    }

    public void Clear() => Replace([]);
}
