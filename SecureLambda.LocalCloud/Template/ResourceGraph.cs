namespace SecureLambda.LocalCloud.Template;

/// <summary>The order in which to provision the resources of a stack.</summary>
public static class ResourceGraph
{
    /// <summary>
    /// The resources whose Condition holds, each after every resource it references (Ref, Fn::GetAtt, Fn::Sub) or
    /// names in DependsOn; ties keep template order.
    /// </summary>
    public static IReadOnlyList<TemplateResource> Order(StackState state) => throw new NotImplementedException();
}
