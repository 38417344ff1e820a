namespace SecureLambda.LocalCloud.Lambda;

/// <summary>How an invocation ended, as the caller (the gateway, the Invoke API, async delivery) must tell it apart.</summary>
public enum InvocationStatus
{
    /// <summary>The function posted a response.</summary>
    Succeeded,

    /// <summary>The function posted an error (its payload is the error document).</summary>
    FunctionError,

    /// <summary>The function took the event but did not answer by its deadline.</summary>
    TimedOut,

    /// <summary>No process polled for the event within the function's timeout.</summary>
    NoRuntime,

    /// <summary>The function's queue of waiting invocations was full.</summary>
    Throttled,
}

/// <summary>The outcome of one invocation; <see cref="Payload"/> is the response or the error document.</summary>
public sealed record InvocationResult(string RequestId, InvocationStatus Status, byte[] Payload, string? ErrorType = null)
{
    public bool Succeeded => Status == InvocationStatus.Succeeded;
}
