using System.Collections;

namespace SecureLambda.Functions.Runtime;

/// <summary>The logging scope of one invocation: every log line carries its <c>requestId</c>, as Lambda's JSON logs do.</summary>
internal sealed class InvocationLogScope(string requestId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public KeyValuePair<string, object?> this[int index] =>
        index == 0 ? new("requestId", requestId) : throw new ArgumentOutOfRangeException(nameof(index));

    public int Count => 1;

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"requestId:{requestId}";
}
