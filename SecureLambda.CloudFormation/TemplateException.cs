namespace SecureLambda.CloudFormation;

/// <summary>
/// A template LocalCloud cannot load or resolve. The message names the location, logical id, parameter or intrinsic at
/// fault, because this is a startup error the developer must fix in the template or the parameters.
/// </summary>
public sealed class TemplateException : Exception
{
    public TemplateException()
    {
    }

    public TemplateException(string message)
        : base(message)
    {
    }

    public TemplateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
