namespace SecureLambda.Aws.Core;

/// <summary>Finds the region the way the AWS SDKs do from the environment, so the same binary runs in any region.</summary>
public static class AwsRegion
{
    public const string RegionVariable = "AWS_REGION";
    public const string DefaultRegionVariable = "AWS_DEFAULT_REGION";

    /// <summary><c>AWS_REGION</c> (set by Lambda), then <c>AWS_DEFAULT_REGION</c> (the CLI's variable).</summary>
    public static string FromEnvironment(Func<string, string?>? getEnvironmentVariable = null)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        foreach (var name in (string[])[RegionVariable, DefaultRegionVariable])
        {
            var value = getEnvironmentVariable(name);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }

        throw new InvalidOperationException(
            $"No AWS region: neither {RegionVariable} nor {DefaultRegionVariable} is set. Lambda sets {RegionVariable}; " +
            "set one of them when running elsewhere.");
    }
}
