using System.Text.Json.Nodes;

namespace SecureLambda.CloudFormation;

/// <summary>The order in which to provision the resources of a stack.</summary>
public static class ResourceGraph
{
    /// <summary>
    /// The resources whose Condition holds, each after every resource it references (Ref, Fn::GetAtt, Fn::Sub, both
    /// branches of Fn::If) or names in DependsOn; ties keep template order. A dependency on a resource whose Condition
    /// does not hold imposes no order (only the Fn::If branch that is not taken may name one).
    /// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html
    /// </summary>
    public static IReadOnlyList<TemplateResource> Order(StackState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var template = state.Template;
        var included = template.Resources.Values
            .Where(resource => resource.Condition is null || state.EvaluateCondition(resource.Condition))
            .ToList();
        var includedIds = included.Select(resource => resource.LogicalId).ToHashSet(StringComparer.Ordinal);
        var dependencies = included.ToDictionary(
            resource => resource.LogicalId,
            resource => Dependencies(resource, state).Where(includedIds.Contains).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);

        var ordered = new List<TemplateResource>(included.Count);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var pending = new List<TemplateResource>(included);
        while (pending.Count > 0)
        {
            var next = pending.FindIndex(resource => dependencies[resource.LogicalId].IsSubsetOf(done));
            if (next < 0)
            {
                throw new TemplateException($"Resources depend on each other in a cycle: {Cycle(pending, dependencies, done)}.");
            }

            ordered.Add(pending[next]);
            done.Add(pending[next].LogicalId);
            pending.RemoveAt(next);
        }

        return ordered;
    }

    private static HashSet<string> Dependencies(TemplateResource resource, StackState state)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in resource.DependsOn)
        {
            if (!state.Template.Resources.ContainsKey(name))
            {
                throw new TemplateException($"Resource {resource.LogicalId} DependsOn {name}, which is no resource of the template.");
            }

            names.Add(name);
        }

        Collect(resource.Properties, resource.LogicalId, state, names);
        return names;
    }

    private static void Collect(JsonNode? node, string logicalId, StackState state, HashSet<string> names)
    {
        switch (node)
        {
            case JsonObject obj when IntrinsicResolver.IsIntrinsic(obj, out var name, out var argument):
                switch (name)
                {
                    case "Ref" when argument is JsonValue value && value.TryGetValue<string>(out var target):
                        AddReference(target, logicalId, state, names);
                        return;
                    case "Fn::GetAtt" when argument is JsonValue value && value.TryGetValue<string>(out var text):
                        AddReference(text.Split('.', 2)[0], logicalId, state, names);
                        return;
                    case "Fn::GetAtt" when argument is JsonArray { Count: > 0 } pair
                        && pair[0] is JsonValue first && first.TryGetValue<string>(out var target):
                        AddReference(target, logicalId, state, names);
                        Collect(pair, logicalId, state, names);
                        return;
                    case "Fn::Sub":
                        CollectSub(argument, logicalId, state, names);
                        return;
                    default:
                        Collect(argument, logicalId, state, names);
                        return;
                }

            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    Collect(value, logicalId, state, names);
                }

                return;
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, logicalId, state, names);
                }

                return;
        }
    }

    private static void CollectSub(JsonNode? argument, string logicalId, StackState state, HashSet<string> names)
    {
        var template = argument switch
        {
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            JsonArray { Count: > 0 } array when array[0] is JsonValue value && value.TryGetValue<string>(out var text) => text,
            _ => null,
        };
        var variables = argument is JsonArray { Count: 2 } pair && pair[1] is JsonObject map ? map : null;
        if (variables is not null)
        {
            Collect(variables, logicalId, state, names);
        }

        if (template is null)
        {
            Collect(argument, logicalId, state, names);
            return;
        }

        foreach (var (isVariable, text) in IntrinsicResolver.ParseSub(template))
        {
            if (isVariable && variables?.ContainsKey(text) != true)
            {
                AddReference(text.Split('.', 2)[0], logicalId, state, names);
            }
        }
    }

    private static void AddReference(string name, string logicalId, StackState state, HashSet<string> names)
    {
        if (state.Template.Resources.ContainsKey(name))
        {
            names.Add(name);
        }
        else if (!state.ParameterValues.ContainsKey(name) && !name.StartsWith("AWS::", StringComparison.Ordinal))
        {
            throw new TemplateException(
                $"Resource {logicalId} refers to {name}, which is no resource, parameter or pseudo parameter of the template.");
        }
    }

    private static string Cycle(
        List<TemplateResource> pending, Dictionary<string, HashSet<string>> dependencies, HashSet<string> done)
    {
        var path = new List<string>();
        var current = pending[0].LogicalId;
        while (!path.Contains(current))
        {
            path.Add(current);
            current = dependencies[current].First(name => !done.Contains(name));
        }

        return string.Join(" -> ", path.Skip(path.IndexOf(current)).Append(current));
    }
}
