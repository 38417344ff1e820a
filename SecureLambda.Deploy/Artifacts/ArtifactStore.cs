using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace SecureLambda.Deploy.Artifacts;

/// <summary>
/// The S3 bucket that holds deployment packages (and templates too large to send inline), through AWSSDK.S3. A bucket the
/// tool creates carries the tag <c>securelambda:created-by=deploy-tool</c>; <c>destroy</c> deletes only such a bucket.
/// </summary>
public sealed class ArtifactStore(IAmazonS3 s3, string region, Uri? configuredEndpoint)
{
    public const string CreatedByTagKey = "securelambda:created-by";
    public const string CreatedByTagValue = "deploy-tool";

    /// <summary>The default bucket: one per account and region, the way CDK's bootstrap bucket is named.</summary>
    public static string DefaultBucketName(string accountId, string region) => $"securelambda-artifacts-{accountId}-{region}";

    /// <summary>Creates and tags <paramref name="bucket"/> unless it exists; true when it was created now.</summary>
    public async Task<bool> EnsureBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        if (await BucketExistsAsync(bucket, cancellationToken))
        {
            return false;
        }

        var create = new PutBucketRequest { BucketName = bucket };
        if (region != "us-east-1")
        {
            // Outside us-east-1, S3 requires the LocationConstraint to match the endpoint's region. Not BucketRegionName:
            // the SDK writes eu-west-1 there as the legacy "EU", which S3 (and moto) refuse on a regional endpoint.
            create.PutBucketConfiguration = new PutBucketConfiguration
            {
                LocationConstraint = new BucketLocationConstraint(region),
            };
        }

        await s3.PutBucketAsync(create, cancellationToken);
        await s3.PutBucketTaggingAsync(
            new PutBucketTaggingRequest { BucketName = bucket, TagSet = [new Tag { Key = CreatedByTagKey, Value = CreatedByTagValue }] },
            cancellationToken);
        return true;
    }

    public async Task<bool> BucketExistsAsync(string bucket, CancellationToken cancellationToken)
    {
        try
        {
            await s3.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = bucket }, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Uploads the file unless the key already exists (HeadObject); true when it uploaded.</summary>
    public async Task<bool> UploadIfMissingAsync(string bucket, string key, string path, CancellationToken cancellationToken)
    {
        try
        {
            await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, cancellationToken);
            return false;
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound)
        {
        }

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, FilePath = path }, cancellationToken);
        return true;
    }

    /// <summary>The URL CloudFormation fetches a template from (path style, which every endpoint accepts).</summary>
    public Uri ObjectUrl(string bucket, string key) =>
        configuredEndpoint is { } endpoint
            ? new Uri(endpoint, $"{bucket}/{key}")
            : new Uri($"https://s3.{region}.amazonaws.com/{bucket}/{key}");

    public async Task<bool> WasCreatedByToolAsync(string bucket, CancellationToken cancellationToken)
    {
        try
        {
            var tagging = await s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket }, cancellationToken);
            return tagging.TagSet?.Any(tag => tag.Key == CreatedByTagKey && tag.Value == CreatedByTagValue) == true;
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound)
        {
            // NoSuchBucket or NoSuchTagSet: either way not ours to delete.
            return false;
        }
    }

    /// <summary>Deletes every object (and every version, should versioning have been turned on), then the bucket.</summary>
    public async Task EmptyAndDeleteAsync(string bucket, CancellationToken cancellationToken)
    {
        string? keyMarker = null;
        string? versionMarker = null;
        while (true)
        {
            var page = await s3.ListVersionsAsync(
                new ListVersionsRequest { BucketName = bucket, KeyMarker = keyMarker, VersionIdMarker = versionMarker },
                cancellationToken);
            var versions = page.Versions ?? [];
            if (versions.Count > 0)
            {
                await s3.DeleteObjectsAsync(
                    new DeleteObjectsRequest
                    {
                        BucketName = bucket,
                        Objects = versions.Select(version => new KeyVersion { Key = version.Key, VersionId = version.VersionId == "null" ? null : version.VersionId }).ToList(),
                    },
                    cancellationToken);
            }

            if (page.IsTruncated != true)
            {
                break;
            }

            keyMarker = page.NextKeyMarker;
            versionMarker = page.NextVersionIdMarker;
        }

        await s3.DeleteBucketAsync(new DeleteBucketRequest { BucketName = bucket }, cancellationToken);
    }
}
