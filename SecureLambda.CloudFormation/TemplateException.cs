namespace SecureLambda.CloudFormation;

/// <summary>
/// A template that cannot be read or resolved at all: YAML that does not parse, a section or parameter that is
/// malformed, a parameter value its constraints refuse or that is missing, an intrinsic that points at nothing. The
/// message names the location, parameter or intrinsic at fault. Distinct from <see cref="UnsupportedTemplateException"/>,
/// which is a well-formed resource LocalCloud cannot emulate: here there is often no one resource at fault, and the
/// template would fail in CloudFormation too.
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
