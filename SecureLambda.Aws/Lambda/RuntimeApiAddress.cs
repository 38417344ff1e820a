namespace SecureLambda.Aws.Lambda;

/// <summary>
/// Turns <c>AWS_LAMBDA_RUNTIME_API</c> (<c>host:port</c>, optionally with a path prefix such as
/// <c>host:port/ExternalLambda1</c>, so one local server can serve many functions) into the Runtime API base URI.
/// </summary>
public static class RuntimeApiAddress
{
    public static Uri Parse(string? runtimeApi)
    {
        if (string.IsNullOrWhiteSpace(runtimeApi))
        {
            throw new InvalidOperationException("AWS_LAMBDA_RUNTIME_API is not set; this process must be started by Lambda or a Runtime API emulator.");
        }

        var value = runtimeApi.Trim().TrimEnd('/');
        if (!value.Contains("://", StringComparison.Ordinal))
        {
            value = "http://" + value;
        }

        if (!Uri.TryCreate($"{value}/{RuntimeApi.Root}/", UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.Query))
        {
            throw new InvalidOperationException($"AWS_LAMBDA_RUNTIME_API '{runtimeApi}' is not host:port[/prefix].");
        }

        return uri;
    }
}
