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
/// a function without one gets a random secret no outside process can know. Each execution environment LocalCloud
/// starts itself (<see cref="ExecutionEnvironments"/>) gets a secret of its own, void once it exits.
/// </summary>
public sealed class RuntimeApiKeys(IOptions<LocalLambdaOptions> options)
{
    /// <summary>The shortest secret accepted: 128 bits as hex.</summary>
    public const int MinimumSecretLength = 32;

    private readonly ConcurrentDictionary<string, string> _generated = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> _environments = new(StringComparer.Ordinal);

    public string SecretFor(LambdaFunctionDefinition function) =>
        options.Value.RuntimeApiSecrets.TryGetValue(function.LogicalId, out var configured) && configured is { Length: > 0 }
            ? configured
            : _generated.GetOrAdd(function.LogicalId, _ => NewSecret());

    /// <summary>The path prefix the function's process is given: <c>{LogicalId}/{secret}</c>.</summary>
    public string PrefixFor(LambdaFunctionDefinition function) => $"{function.LogicalId}/{SecretFor(function)}";

    /// <summary>Whether <paramref name="presented"/> is the function's secret or one of its environments', each compared in constant time.</summary>
    public bool Admits(LambdaFunctionDefinition function, string presented)
    {
        var bytes = Encoding.UTF8.GetBytes(presented);
        var admitted = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(SecretFor(function)), bytes);
        if (_environments.TryGetValue(function.LogicalId, out var environments))
        {
            foreach (var secret in environments.Keys)
            {
                admitted |= CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), bytes);
            }
        }

        return admitted;
    }

    /// <summary>A fresh secret for one new execution environment of the function.</summary>
    public string IssueEnvironmentSecret(LambdaFunctionDefinition function)
    {
        var secret = NewSecret();
        _environments.GetOrAdd(function.LogicalId, _ => new ConcurrentDictionary<string, bool>(StringComparer.Ordinal))[secret] = true;
        return secret;
    }

    /// <summary>The environment is gone: its secret admits nothing any more.</summary>
    public void RevokeEnvironmentSecret(string logicalId, string secret)
    {
        if (_environments.TryGetValue(logicalId, out var environments))
        {
            environments.TryRemove(secret, out _);
        }
    }

    /// <summary>A fresh secret, as the AppHost and tests make them: 128 random bits as lower-case hex.</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
