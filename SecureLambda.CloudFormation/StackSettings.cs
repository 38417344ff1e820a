using System.Collections.Immutable;

namespace SecureLambda.CloudFormation;

/// <summary>The stack-level inputs of a deployment: its name, region, account and parameter overrides.</summary>
public sealed record StackSettings(
    string StackName = StackSettings.DefaultStackName,
    string Region = StackSettings.DefaultRegion,
    string AccountId = StackSettings.DefaultAccountId,
    IReadOnlyDictionary<string, string>? ParameterOverrides = null)
{
    public const string DefaultStackName = "secure-lambda";

    public const string DefaultRegion = "us-east-1";

    /// <summary>The account moto and LocalStack report for every request.</summary>
    public const string DefaultAccountId = "123456789012";

    public IReadOnlyDictionary<string, string> ParameterOverrides { get; init; } =
        ParameterOverrides ?? ImmutableDictionary<string, string>.Empty;
}
