using System.Globalization;

namespace SecureLambda.Aws.Lambda;

/// <summary>
/// The variables Lambda itself sets in a function's process from the function's configuration. They are reserved: a
/// function's own <c>Environment</c> may not set them, so whoever starts the process sets them after it.
/// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
/// </summary>
public static class LambdaFunctionVariables
{
    /// <summary>The function's handler, name, memory size and version (<c>$LATEST</c>, the only one a function of the stack has).</summary>
    public static IReadOnlyDictionary<string, string> Of(string? handler, string functionName, int memorySize) =>
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["_HANDLER"] = handler ?? string.Empty,
            ["AWS_LAMBDA_FUNCTION_NAME"] = functionName,
            ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = memorySize.ToString(CultureInfo.InvariantCulture),
            ["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST",
        };
}
