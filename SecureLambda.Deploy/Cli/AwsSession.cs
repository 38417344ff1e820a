using Amazon.S3;
using SecureLambda.Aws.CloudFormation;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Sdk;
using SecureLambda.Aws.Sts;
using SecureLambda.Deploy.Artifacts;

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
        string accountId;
        using (var sts = StsClient.Create(context))
        {
            accountId = await sts.GetAccountIdAsync(cancellationToken);
        }

        await host.Out.WriteLineAsync($"Account {accountId}, region {region}");

        var config = new AmazonS3Config();
        var configured = AwsSdkClientConfig.Apply(config, context, AwsServiceDescriptor.S3);
        if (configured is not null)
        {
            // Local S3 endpoints (moto, LocalStack) serve buckets by path, not by virtual host.
            config.ForcePathStyle = true;
        }

        return new AwsSession(region, accountId, context, new AmazonS3Client(credentials.Sdk, config), configured, host.Http);
    }

    public void Dispose() => s3.Dispose();

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
