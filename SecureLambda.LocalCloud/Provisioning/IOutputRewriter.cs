using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SecureLambda.CloudFormation;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>Adjusts a resolved output value for the local stack, for example an AWS URL that is served locally.</summary>
public interface IOutputRewriter
{
    string Rewrite(string outputName, string value, StackState state, IReadOnlyList<ProvisionedResource> resources);
}

/// <summary>
/// When <see cref="StackProvisioningOptions.ApiBaseUrl"/> is set, turns
/// <c>https://{restApiId}.execute-api.{region}.{urlSuffix}/{stage}…</c> of a REST API of this stack into
/// <c>{ApiBaseUrl}/{stage}…</c>, where LocalCloud serves the stage.
/// </summary>
public sealed class LocalApiUrlRewriter(IOptions<StackProvisioningOptions> options) : IOutputRewriter
{
    public string Rewrite(string outputName, string value, StackState state, IReadOnlyList<ProvisionedResource> resources)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(resources);
        if (options.Value.ApiBaseUrl is not { } baseUrl)
        {
            return value;
        }

        var local = baseUrl.ToString().TrimEnd('/');
        foreach (var api in resources.Where(resource => resource.Type == LocalResourceProvisioner.RestApi))
        {
            var awsBase = $"https://{api.PhysicalId}.execute-api.{state.Settings.Region}.{state.UrlSuffix}";
            value = Regex.Replace(value, "^" + Regex.Escape(awsBase) + "(?=/|$)", local, RegexOptions.CultureInvariant);
        }

        return value;
    }
}
