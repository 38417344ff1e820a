using System.Text.Json.Nodes;

namespace SecureLambda.LocalCloud.Template;

/// <summary>Replaces every intrinsic function in a template value by its value against a <see cref="StackState"/>.</summary>
public static class IntrinsicResolver
{
    /// <summary>
    /// Returns a new tree with every intrinsic resolved; <paramref name="logicalId"/> names the resource (or output) in
    /// error messages. A value that resolves to <c>AWS::NoValue</c> returns null.
    /// </summary>
    public static JsonNode? Resolve(JsonNode? node, StackState state, string? logicalId = null) =>
        throw new NotImplementedException();
}
