namespace SecureLambda.LocalCloud.ApiGateway.Validation;

/// <summary>A model's schema is malformed (a keyword holds a value draft 4 does not allow); thrown at startup.</summary>
public sealed class JsonSchemaException : Exception
{
    public JsonSchemaException()
    {
    }

    public JsonSchemaException(string message)
        : base(message)
    {
    }

    public JsonSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
