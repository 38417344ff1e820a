namespace SecureLambda.LocalCloud.ApiGateway.Validation;

/// <summary>
/// A model's schema uses a keyword this emulator does not evaluate; thrown at startup so that a rule is never silently
/// skipped. <see cref="Keyword"/> names it.
/// </summary>
public sealed class UnsupportedSchemaKeywordException : NotSupportedException
{
    public UnsupportedSchemaKeywordException()
    {
    }

    public UnsupportedSchemaKeywordException(string message)
        : base(message)
    {
    }

    public UnsupportedSchemaKeywordException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UnsupportedSchemaKeywordException(string keyword, string location)
        : base($"JSON Schema keyword '{keyword}' at {location} is not supported by the LocalCloud request validator; "
            + "remove it or extend SecureLambda.LocalCloud.ApiGateway.Validation.")
    {
        Keyword = keyword;
    }

    public string? Keyword { get; }
}
