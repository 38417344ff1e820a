namespace SecureLambda.CloudFormation;

/// <summary>
/// The one error for "this template can't be emulated": a resource, property or setting that LocalCloud does not
/// understand. It names the resource at fault, its type and why, because it is a startup error the developer fixes in the
/// template or the parameters. LocalStack and moto drop such settings silently; we fail loudly instead.
/// </summary>
public sealed class UnsupportedTemplateException : Exception
{
    public UnsupportedTemplateException(string logicalId, string resourceType, string reason)
        : base($"Resource {logicalId} ({resourceType}): {reason}")
    {
        LogicalId = logicalId;
        ResourceType = resourceType;
        Reason = reason;
    }

    public UnsupportedTemplateException(string logicalId, string resourceType, string reason, Exception innerException)
        : base($"Resource {logicalId} ({resourceType}): {reason}", innerException)
    {
        LogicalId = logicalId;
        ResourceType = resourceType;
        Reason = reason;
    }

    /// <summary>The template's logical id of the resource at fault.</summary>
    public string LogicalId { get; }

    /// <summary>The resource's CloudFormation type, such as <c>AWS::WAFv2::WebACL</c>.</summary>
    public string ResourceType { get; }

    /// <summary>What about the resource cannot be emulated, and what to do about it.</summary>
    public string Reason { get; }
}
