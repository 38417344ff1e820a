using System.Text.Json.Nodes;
using SecureLambda.CloudFormation.Intrinsics;

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
    public static IReadOnlyList<TemplateResource> Order(StackState state) => Order(state, DependenciesOf(state));

    /// <summary>
    /// What each resource whose Condition holds waits for: the resources of <see cref="Order(StackState)"/>'s rule, by
    /// logical id. CloudFormation creates the resources that do not wait for one another at the same time.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> DependenciesOf(StackState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var included = Included(state).ToList();
        var includedIds = included.Select(resource => resource.LogicalId).ToHashSet(StringComparer.Ordinal);
        return included.ToDictionary(
            resource => resource.LogicalId,
            IReadOnlySet<string> (resource) => Dependencies(resource, state).Where(includedIds.Contains).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    private static IEnumerable<TemplateResource> Included(StackState state) =>
        state.Template.Resources.Values.Where(resource => resource.Condition is null || state.EvaluateCondition(resource.Condition));

    private static List<TemplateResource> Order(StackState state, IReadOnlyDictionary<string, IReadOnlySet<string>> dependencies)
    {
        var included = Included(state).ToList();
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

        foreach (var name in IntrinsicReferences.References(resource.Properties))
        {
            AddReference(name, resource.LogicalId, state, names);
        }

        return names;
    }

    private static void AddReference(string name, string logicalId, StackState state, HashSet<string> names)
    {
        if (state.Template.Resources.ContainsKey(name))
        {
            names.Add(name);
        }
        else if (!state.ParameterValues.ContainsKey(name))
        {
            throw new TemplateException(
                $"Resource {logicalId} refers to {name}, which is no resource, parameter or pseudo parameter of the template.");
        }
    }

    private static string Cycle(
        List<TemplateResource> pending, IReadOnlyDictionary<string, IReadOnlySet<string>> dependencies, HashSet<string> done)
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
