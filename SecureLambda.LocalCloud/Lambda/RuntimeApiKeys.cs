using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SecureLambda.LocalCloud.DataPlane;

namespace SecureLambda.LocalCloud.Lambda;

/// <summary>
/// Each function's Runtime API secret. In AWS the Runtime API lives inside the execution environment, where nothing but
/// the function's own process can reach it (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html). Locally
/// the Runtime API shares a port with everything else, so the function's path prefix carries a secret that only
/// LocalCloud and the process it was handed to know: <c>AWS_LAMBDA_RUNTIME_API=host:port/{LogicalId}/{secret}</c>.
/// The secret comes from <c>LocalCloud:Lambda:RuntimeApiSecrets:{LogicalId}</c> (the AppHost generates one per run);
/// a function without one gets a random secret no outside process can know.
/// </summary>
public sealed class RuntimeApiKeys(IOptions<LocalLambdaOptions> options)
{
    /// <summary>The shortest secret accepted: 128 bits as hex.</summary>
    public const int MinimumSecretLength = 32;

    private readonly ConcurrentDictionary<string, string> _generated = new(StringComparer.Ordinal);

    public string SecretFor(LambdaFunctionDefinition function) =>
        options.Value.RuntimeApiSecrets.TryGetValue(function.LogicalId, out var configured) && configured is { Length: > 0 }
            ? configured
            : _generated.GetOrAdd(function.LogicalId, _ => NewSecret());

    /// <summary>The path prefix the function's process is given: <c>{LogicalId}/{secret}</c>.</summary>
    public string PrefixFor(LambdaFunctionDefinition function) => $"{function.LogicalId}/{SecretFor(function)}";

    /// <summary>Whether <paramref name="presented"/> is the function's secret, compared in constant time.</summary>
    public bool Admits(LambdaFunctionDefinition function, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(SecretFor(function)), Encoding.UTF8.GetBytes(presented));

    /// <summary>A fresh secret, as the AppHost and tests make them: 128 random bits as lower-case hex.</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
