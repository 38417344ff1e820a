using System.Security.Cryptography;
using System.Text;
using SecureLambda.CloudFormation;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// Names and ids for resources the template leaves unnamed. CloudFormation appends a random suffix
/// (<c>{stack}-{logicalId}-{random}</c>); ours are derived from stack and logical id instead, so a restart finds the
/// same resource again by name.
/// </summary>
internal static class PhysicalNames
{
    private const string LowerAlphanumeric = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string Generate(StackState state, string logicalId, int maxLength)
    {
        var name = $"{state.Settings.StackName}-{logicalId}";
        return name.Length <= maxLength ? name : name[..maxLength];
    }

    /// <summary>A stable id of <paramref name="length"/> lowercase letters and digits, like API Gateway's ids.</summary>
    public static string StableId(StackState state, string logicalId, int length, string alphabet = LowerAlphanumeric)
    {
        var hash = Hash(state, logicalId);
        var id = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            id.Append(alphabet[hash[i % hash.Length] % alphabet.Length]);
        }

        return id.ToString();
    }

    /// <summary>A stable UUID, the form WAF gives its ids.</summary>
    public static string StableGuid(StackState state, string logicalId) =>
        new Guid(Hash(state, logicalId).AsSpan(0, 16)).ToString("D");

    private static byte[] Hash(StackState state, string logicalId) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"{state.Settings.AccountId}/{state.Settings.Region}/{state.Settings.StackName}/{logicalId}"));
}
