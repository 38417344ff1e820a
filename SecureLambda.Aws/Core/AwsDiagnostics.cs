using System.Diagnostics;

namespace SecureLambda.Aws.Core;

/// <summary>The tracing source every AWS call is a span of; register it with OpenTelemetry's <c>AddSource</c>.</summary>
public static class AwsDiagnostics
{
    public const string ActivitySourceName = "SecureLambda.Aws";

    internal static ActivitySource ActivitySource { get; } = new(ActivitySourceName);
}
