using System.Globalization;
using Microsoft.Extensions.Logging;

namespace SecureLambda.Functions;

/// <summary>
/// The function's configuration, all from environment variables: <c>_HANDLER</c> (set by Lambda from the function's
/// <c>Handler</c>), <c>GREETER_NAME</c>, <c>TOPIC_SECRET_ID</c>, <c>TOPIC_ARN_CACHE_SECONDS</c> and <c>AWS_LAMBDA_LOG_LEVEL</c>.
/// </summary>
public sealed record FunctionSettings(
    FunctionKind Handler,
    string? GreeterName,
    string TopicSecretId,
    TimeSpan TopicArnCacheDuration,
    LogLevel LogLevel)
{
    public const string DefaultTopicSecretId = "LambdaSNSTopicARN";
    public static readonly TimeSpan DefaultTopicArnCacheDuration = TimeSpan.FromMinutes(5);

    /// <summary>Reads and checks the settings; a bad value is an init error that names the variable.</summary>
    public static FunctionSettings FromEnvironment(Func<string, string?> variable)
    {
        var handler = variable("_HANDLER")?.Trim().ToLowerInvariant() switch
        {
            "external" => FunctionKind.External,
            "internal" => FunctionKind.Internal,
            var other => throw new FunctionConfigurationException(
                $"_HANDLER is '{other}'; it must be 'external' or 'internal' (the function's Handler setting)."),
        };

        var greeterName = variable("GREETER_NAME")?.Trim();
        if (handler == FunctionKind.External && string.IsNullOrEmpty(greeterName))
        {
            throw new FunctionConfigurationException("GREETER_NAME must be set for the external handler, for example ExternalLambda1.");
        }

        var secretId = variable("TOPIC_SECRET_ID")?.Trim();
        var cacheSeconds = variable("TOPIC_ARN_CACHE_SECONDS");
        var cacheDuration = DefaultTopicArnCacheDuration;
        if (!string.IsNullOrWhiteSpace(cacheSeconds))
        {
            if (!int.TryParse(cacheSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                throw new FunctionConfigurationException($"TOPIC_ARN_CACHE_SECONDS is '{cacheSeconds}'; it must be a whole number of seconds (0 turns caching off).");
            }

            cacheDuration = TimeSpan.FromSeconds(seconds);
        }

        return new FunctionSettings(
            handler,
            greeterName,
            string.IsNullOrEmpty(secretId) ? DefaultTopicSecretId : secretId,
            cacheDuration,
            ParseLogLevel(variable("AWS_LAMBDA_LOG_LEVEL")));
    }

    // Lambda's advanced logging controls name the levels TRACE, DEBUG, INFO, WARN, ERROR, FATAL.
    private static LogLevel ParseLogLevel(string? level) => level?.Trim().ToUpperInvariant() switch
    {
        "TRACE" => LogLevel.Trace,
        "DEBUG" => LogLevel.Debug,
        "WARN" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        "FATAL" => LogLevel.Critical,
        _ => LogLevel.Information,
    };
}

public enum FunctionKind
{
    External,
    Internal,
}

/// <summary>The process was started with settings it cannot run with; posted to <c>/runtime/init/error</c>.</summary>
public sealed class FunctionConfigurationException(string message) : Exception(message);
