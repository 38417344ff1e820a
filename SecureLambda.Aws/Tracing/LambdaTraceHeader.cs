using System.Text;

namespace SecureLambda.Aws.Tracing;

/// <summary>
/// The <c>X-Amzn-Trace-Id</c> header an AWS SDK adds to every call it makes from inside a Lambda function: the
/// value Lambda puts into <c>_X_AMZN_TRACE_ID</c> for the current invocation, when <c>AWS_LAMBDA_FUNCTION_NAME</c> says
/// the code runs in Lambda (the SDKs' "recursion detection" step, which also carries the call into the invocation's
/// X-Ray trace under active tracing). The variable changes with every invocation, so it is read on every call.
/// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
/// https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader
/// </summary>
public static class LambdaTraceHeader
{
    public const string HeaderName = "X-Amzn-Trace-Id";

    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    public const string FunctionNameVariable = "AWS_LAMBDA_FUNCTION_NAME";

    /// <summary>Reads the header value from <paramref name="getEnvironmentVariable"/> at each call; null outside Lambda or without a trace.</summary>
    public static Func<string?> FromEnvironment(Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        return () => string.IsNullOrEmpty(getEnvironmentVariable(FunctionNameVariable))
            || getEnvironmentVariable(TraceIdVariable) is not { Length: > 0 } traceId
                ? null
                : Encode(traceId);
    }

    /// <summary>
    /// Characters outside printable ASCII are percent-encoded, as the AWS SDKs do, so that a value from the
    /// environment can never end the header or start another one.
    /// </summary>
    internal static string Encode(string value)
    {
        if (value.All(c => c is >= ' ' and <= '~'))
        {
            return value;
        }

        var encoded = new StringBuilder(value.Length * 3);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= (byte)' ' and <= (byte)'~')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }
}
