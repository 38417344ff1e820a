using Amazon;
using Amazon.S3;
using SecureLambda.Aws.Core;
using SecureLambda.Deploy.Artifacts;
using SecureLambda.Deploy.CloudFormation;

namespace SecureLambda.Deploy.Cli;

/// <summary>One run's connection to one account and region: our clients and AWSSDK.S3 over the same refreshing credentials.</summary>
internal sealed class AwsSession(string region, string accountId, AwsClientContext context, IAmazonS3 s3, Uri? configuredS3Endpoint, HttpClient http) : IDisposable
{
    public string Region { get; } = region;

    public string AccountId { get; } = accountId;

    public AwsClientContext Context { get; } = context;

    public CloudFormationClient CloudFormation { get; } = new(http, context);

    public ArtifactBucket Bucket(string? name) =>
        new(s3, name ?? ArtifactBucket.DefaultName(AccountId, Region), AccountId, Region, configuredS3Endpoint);

    public static async Task<AwsSession> ConnectAsync(DeployHost host, StackOptions options, CancellationToken cancellationToken)
    {
        var region = options.Region ?? NonEmpty(host.GetEnvironmentVariable(AwsRegion.RegionVariable)) ?? NonEmpty(host.GetEnvironmentVariable(AwsRegion.DefaultRegionVariable))
            ?? throw new DeployException("No AWS region: pass --region or set AWS_REGION.", ExitCodes.Usage);
        var credentials = await host.Credentials.ResolveAsync(options.Profile ?? NonEmpty(host.GetEnvironmentVariable("AWS_PROFILE")), cancellationToken);
        var endpoints = new AwsEndpointResolver(host.GetEnvironmentVariable);
        var context = new AwsClientContext(credentials.Provider, region, endpoints, AwsRetryPolicy.Default, host.Time);
        var accountId = await new Artifacts.StsClient(host.Http, context).GetAccountIdAsync(cancellationToken);
        await host.Out.WriteLineAsync($"Account {accountId}, region {region}");

        var s3Endpoint = endpoints.Resolve(AwsServiceDescriptor.S3, region);
        var configured = s3Endpoint != AwsEndpointResolver.RegionalEndpoint(AwsServiceDescriptor.S3, region) ? s3Endpoint : null;
        var config = new AmazonS3Config();
        if (configured is not null)
        {
            config.ServiceURL = configured.ToString();
            config.AuthenticationRegion = region;
            config.ForcePathStyle = true;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return new AwsSession(region, accountId, context, new AmazonS3Client(credentials.Sdk, config), configured, host.Http);
    }

    public void Dispose() => s3.Dispose();

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
