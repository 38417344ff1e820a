using SecureLambda.Aws.Core;
using SecureLambda.Aws.Protocols;

namespace SecureLambda.Deploy.Artifacts;

/// <summary>STS <c>GetCallerIdentity</c> over the Query protocol (API version 2011-06-15): which account the credentials belong to.</summary>
public sealed class StsClient(AwsQueryProtocolClient query)
{
    public const string ApiVersion = "2011-06-15";

    public StsClient(HttpClient http, AwsClientContext context)
        : this(new AwsQueryProtocolClient(http, context, AwsServiceDescriptor.Sts, ApiVersion))
    {
    }

    public async Task<string> GetAccountIdAsync(CancellationToken cancellationToken)
    {
        var result = await query.CallAsync("GetCallerIdentity", [], cancellationToken);
        return result.Elements().FirstOrDefault(element => element.Name.LocalName == "Account")?.Value
            ?? throw new InvalidOperationException("GetCallerIdentity answered without an Account.");
    }
}
