namespace SecureLambda.LocalCloud.Waf;

/// <summary>
/// The web ACL in the template uses something LocalCloud does not emulate, or holds a value AWS would reject. Thrown at
/// startup so that a rule is never silently skipped (a skipped Block rule would allow what AWS blocks).
/// </summary>
public sealed class WafConfigurationException : Exception
{
    public WafConfigurationException()
    {
    }

    public WafConfigurationException(string message)
        : base(message)
    {
    }

    public WafConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
