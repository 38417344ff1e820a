namespace SecureLambda.LocalCloud.ApiGateway.Throttling;

/// <summary>A stage's <c>MethodSettings</c> hold a value API Gateway would reject; thrown at startup.</summary>
public sealed class ThrottleConfigurationException : Exception
{
    public ThrottleConfigurationException()
    {
    }

    public ThrottleConfigurationException(string message)
        : base(message)
    {
    }

    public ThrottleConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
