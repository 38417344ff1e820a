using System.Net;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using SecureLambda.Deploy.Packaging;

namespace SecureLambda.Deploy.Artifacts;

/// <summary>
/// The S3 bucket that holds deployment packages (and templates too large to send inline), proved ours on every call.
/// <para>
/// The default name is predictable (<c>securelambda-artifacts-{account}-{region}</c>, the way CDK names its bootstrap
/// bucket), so another account can create it first, or after a destroy, and serve its own <c>bootstrap</c> to our
/// functions (the 2024 "Bucket Monopoly" class). So: every request carries <c>ExpectedBucketOwner</c>, which makes S3
/// refuse a bucket of another account with 403
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html); ownership is also checked
/// explicitly (the bucket must be in our own <c>ListBuckets</c>), because not every S3-compatible engine honours the
/// condition; and the bucket must be locked down before anything is uploaded.
/// </para>
/// Objects live under the stack's name (<c>{stack}/bootstrap-{sha256}.zip</c>), so <c>destroy</c> removes exactly one
/// stack's artifacts and never another's.
/// </summary>
public sealed class ArtifactBucket(IAmazonS3 s3, string name, string accountId, string region, Uri? configuredEndpoint)
{
    public const string CreatedByTagKey = "securelambda:created-by";
    public const string CreatedByTagValue = "deploy-tool";

    public string Name { get; } = name;

    /// <summary>The default bucket: one per account and region.</summary>
    public static string DefaultName(string accountId, string region) => $"securelambda-artifacts-{accountId}-{region}";

    /// <summary>The folder of one stack's artifacts.</summary>
    public static string StackPrefix(string stackName) => $"{stackName}/";

    /// <summary>
    /// An endpoint over plain HTTP is a local engine (moto): a bucket policy that denies non-TLS requests would refuse
    /// every call there, so that one setting is left out, and said.
    /// </summary>
    private bool IsPlainHttp => configuredEndpoint?.Scheme == Uri.UriSchemeHttp;

    /// <summary>
    /// Makes the bucket ready to receive code: creates and locks it down when it does not exist (only when
    /// <paramref name="mayCreate"/>: the default bucket); otherwise proves it is ours and locked down. A bucket this tool
    /// created gets missing settings applied; any other bucket is refused, naming what is wrong, since changing a
    /// bucket the user owns for other purposes is not ours to do.
    /// </summary>
    /// <returns>What was done, one line each, for the console.</returns>
    public async Task<IReadOnlyList<string>> PrepareAsync(bool mayCreate, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        if (!await ExistsAsync(cancellationToken))
        {
            if (!mayCreate)
            {
                throw new DeployException($"Artifact bucket {Name} does not exist. Create it, or leave out --artifact-bucket to use the tool's own bucket.");
            }

            await CreateAsync(cancellationToken);
            notes.Add($"Created artifact bucket {Name} (tagged {CreatedByTagKey}={CreatedByTagValue}).");
        }

        await ProveOwnershipAsync(cancellationToken);
        var problems = await FindProblemsAsync(cancellationToken);
        if (problems.Count > 0)
        {
            if (!await WasCreatedByToolAsync(cancellationToken))
            {
                throw new DeployException(
                    $"Artifact bucket {Name} is not locked down: {string.Join("; ", problems.Select(problem => problem.Description))}. " +
                    "Fix these settings, or use another bucket.");
            }

            foreach (var problem in problems)
            {
                await problem.FixAsync(cancellationToken);
            }

            notes.Add($"Artifact bucket {Name}: turned on {string.Join(", ", problems.Select(problem => problem.Setting))}.");
        }

        if (IsPlainHttp)
        {
            notes.Add($"Artifact bucket {Name}: no deny-non-TLS policy, because the endpoint {configuredEndpoint} is plain HTTP (a local engine).");
        }

        return notes;
    }

    /// <summary>
    /// Uploads the package under the stack's folder unless an object of exactly these bytes is there already. S3 checks
    /// the SHA-256 we send (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html); an
    /// existing object under the same content-derived name with another digest is not ours, and is refused.
    /// </summary>
    /// <returns>The object version the template must pin, and whether it was uploaded now.</returns>
    public async Task<(string Key, string? VersionId, bool Uploaded)> UploadAsync(string stackName, LambdaPackage package, Action<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(package);
        var key = StackPrefix(stackName) + package.ObjectName;
        return await UploadAsync(key, package.ZipPath, package.Sha256Base64, progress, cancellationToken);
    }

    /// <inheritdoc cref="UploadAsync(string, LambdaPackage, Action{int}?, CancellationToken)"/>
    public async Task<(string Key, string? VersionId, bool Uploaded)> UploadAsync(
        string key,
        string path,
        string sha256Base64,
        Action<int>? progress,
        CancellationToken cancellationToken)
    {
        var existing = await HeadAsync(key, cancellationToken);
        if (existing is not null)
        {
            if (existing.ChecksumSHA256 != sha256Base64)
            {
                throw new DeployException(
                    $"s3://{Name}/{key} already exists with SHA-256 {existing.ChecksumSHA256 ?? "(none recorded)"}, not this build's {sha256Base64}: " +
                    "someone other than this tool wrote it. Investigate before deploying, then delete that object.");
            }

            return (key, VersionOf(existing.VersionId), false);
        }

        var put = new PutObjectRequest
        {
            BucketName = Name,
            Key = key,
            FilePath = path,
            ExpectedBucketOwner = accountId,
            ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
            ChecksumSHA256 = sha256Base64,
        };
        var reported = 0;
        if (progress is not null)
        {
            put.StreamTransferProgress += (_, args) =>
            {
                var percent = args.PercentDone / 25 * 25;
                if (percent > reported)
                {
                    reported = percent;
                    progress(percent);
                }
            };
        }

        var response = await s3.PutObjectAsync(put, cancellationToken);
        return (key, VersionOf(response.VersionId), true);
    }

    /// <summary>
    /// The URL CloudFormation fetches a template from, path style, which every endpoint accepts. A local engine on a
    /// loopback address is named <c>localhost</c>: moto reads a path-style URL as bucket and key only under that name
    /// (or an amazonaws.com one), and takes the first label of any other host for the bucket.
    /// </summary>
    public Uri ObjectUrl(string key)
    {
        if (configuredEndpoint is not { } endpoint)
        {
            return new Uri($"https://s3.{region}.amazonaws.com/{Name}/{key}");
        }

        var local = new UriBuilder(endpoint);
        if (IPAddress.TryParse(endpoint.Host, out var address) && IPAddress.IsLoopback(address))
        {
            local.Host = "localhost";
        }

        return new Uri(local.Uri, $"{Name}/{key}");
    }

    public async Task<bool> ExistsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await s3.HeadBucketAsync(new HeadBucketRequest { BucketName = Name, ExpectedBucketOwner = accountId }, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.Forbidden)
        {
            throw ForeignBucket();
        }
    }

    public async Task<bool> WasCreatedByToolAsync(CancellationToken cancellationToken)
    {
        try
        {
            var tagging = await s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = Name, ExpectedBucketOwner = accountId }, cancellationToken);
            return tagging.TagSet?.Any(tag => tag.Key == CreatedByTagKey && tag.Value == CreatedByTagValue) == true;
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound)
        {
            // NoSuchTagSet: not ours to change or delete.
            return false;
        }
    }

    /// <summary>Deletes every version and delete marker under the stack's folder; the number of versions deleted.</summary>
    public async Task<int> DeleteStackArtifactsAsync(string stackName, CancellationToken cancellationToken)
    {
        var deleted = 0;
        await foreach (var batch in VersionPagesAsync(StackPrefix(stackName), cancellationToken))
        {
            if (batch.Count == 0)
            {
                continue;
            }

            await s3.DeleteObjectsAsync(
                new DeleteObjectsRequest { BucketName = Name, ExpectedBucketOwner = accountId, Objects = batch },
                cancellationToken);
            deleted += batch.Count;
        }

        return deleted;
    }

    /// <summary>The stacks whose artifacts are still in the bucket (its top-level folders).</summary>
    public async Task<IReadOnlyList<string>> OtherContentAsync(CancellationToken cancellationToken)
    {
        var owners = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var batch in VersionPagesAsync(null, cancellationToken))
        {
            foreach (var version in batch)
            {
                var slash = version.Key.IndexOf('/', StringComparison.Ordinal);
                owners.Add(slash > 0 ? version.Key[..slash] : version.Key);
            }
        }

        return owners.ToList();
    }

    public Task DeleteAsync(CancellationToken cancellationToken) =>
        s3.DeleteBucketAsync(new DeleteBucketRequest { BucketName = Name, ExpectedBucketOwner = accountId }, cancellationToken);

    /// <summary>The policy that refuses every request not made over TLS (https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html).</summary>
    internal static string DenyInsecureTransportPolicy(string bucket) => new JsonObject
    {
        ["Version"] = "2012-10-17",
        ["Statement"] = new JsonArray(new JsonObject
        {
            ["Sid"] = DenyInsecureTransportSid,
            ["Effect"] = "Deny",
            ["Principal"] = "*",
            ["Action"] = "s3:*",
            ["Resource"] = new JsonArray($"arn:aws:s3:::{bucket}", $"arn:aws:s3:::{bucket}/*"),
            ["Condition"] = new JsonObject { ["Bool"] = new JsonObject { ["aws:SecureTransport"] = "false" } },
        }),
    }.ToJsonString();

    private const string DenyInsecureTransportSid = "DenyInsecureTransport";

    private static string? VersionOf(string? versionId) => string.IsNullOrEmpty(versionId) || versionId == "null" ? null : versionId;

    private DeployException ForeignBucket() => new(
        $"Artifact bucket {Name} exists but belongs to another AWS account: nothing was uploaded. " +
        "Pass --artifact-bucket with a bucket of your own account.");

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        // The tool alone says where the bucket goes: the SDK would otherwise add its client's region too (taken from
        // AWS_REGION when the endpoint is a custom one, and written as the legacy "EU" for eu-west-1), and S3 refuses a
        // request with two location constraints.
        var create = new PutBucketRequest { BucketName = Name, ObjectOwnership = ObjectOwnership.BucketOwnerEnforced, UseClientRegion = false };
        if (region != "us-east-1")
        {
            // Outside us-east-1, S3 requires the LocationConstraint to match the endpoint's region. Not BucketRegionName:
            // the SDK writes eu-west-1 there as the legacy "EU", which S3 (and moto) refuse on a regional endpoint.
            create.PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = new BucketLocationConstraint(region) };
        }

        try
        {
            await s3.PutBucketAsync(create, cancellationToken);
        }
        catch (AmazonS3Exception error) when (error.ErrorCode == "BucketAlreadyExists")
        {
            // Someone else took the name between our look-up and the create: never fall through to using it.
            throw ForeignBucket();
        }

        await s3.PutBucketTaggingAsync(
            new PutBucketTaggingRequest
            {
                BucketName = Name,
                ExpectedBucketOwner = accountId,
                TagSet = [new Tag { Key = CreatedByTagKey, Value = CreatedByTagValue }],
            },
            cancellationToken);
    }

    /// <summary>The bucket is in the caller's own ListBuckets, which lists only buckets the account owns.</summary>
    public async Task<bool> IsOwnedByUsAsync(CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await s3.ListBucketsAsync(new ListBucketsRequest { Prefix = Name, ContinuationToken = token }, cancellationToken);
            if (page.Buckets?.Any(bucket => bucket.BucketName == Name) == true)
            {
                return true;
            }

            token = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(token));

        return false;
    }

    private async Task ProveOwnershipAsync(CancellationToken cancellationToken)
    {
        if (!await IsOwnedByUsAsync(cancellationToken))
        {
            throw ForeignBucket();
        }
    }

    private sealed record Problem(string Setting, string Description, Func<CancellationToken, Task> FixAsync);

    private async Task<List<Problem>> FindProblemsAsync(CancellationToken cancellationToken)
    {
        var problems = new List<Problem>();
        var ownership = await OrNullWhenMissing(() => s3.GetBucketOwnershipControlsAsync(
            new GetBucketOwnershipControlsRequest { BucketName = Name, ExpectedBucketOwner = accountId }, cancellationToken));
        if (ownership?.OwnershipControls?.Rules?.Any(rule => rule.ObjectOwnership == ObjectOwnership.BucketOwnerEnforced) != true)
        {
            problems.Add(new("BucketOwnerEnforced", "object ownership is not BucketOwnerEnforced (ACLs still apply)", token => s3.PutBucketOwnershipControlsAsync(
                new PutBucketOwnershipControlsRequest
                {
                    BucketName = Name,
                    ExpectedBucketOwner = accountId,
                    OwnershipControls = new OwnershipControls { Rules = [new OwnershipControlsRule { ObjectOwnership = ObjectOwnership.BucketOwnerEnforced }] },
                },
                token)));
        }

        var publicAccess = await OrNullWhenMissing(() => s3.GetPublicAccessBlockAsync(
            new GetPublicAccessBlockRequest { BucketName = Name, ExpectedBucketOwner = accountId }, cancellationToken));
        var block = publicAccess?.PublicAccessBlockConfiguration;
        if (block is not { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true })
        {
            problems.Add(new("the public access block", "the public access block is not fully on", token => s3.PutPublicAccessBlockAsync(
                new PutPublicAccessBlockRequest
                {
                    BucketName = Name,
                    ExpectedBucketOwner = accountId,
                    PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration
                    {
                        BlockPublicAcls = true,
                        IgnorePublicAcls = true,
                        BlockPublicPolicy = true,
                        RestrictPublicBuckets = true,
                    },
                },
                token)));
        }

        var encryption = await OrNullWhenMissing(() => s3.GetBucketEncryptionAsync(
            new GetBucketEncryptionRequest { BucketName = Name, ExpectedBucketOwner = accountId }, cancellationToken));
        if (encryption?.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules is not { Count: > 0 })
        {
            problems.Add(new("default encryption", "default encryption is off", token => s3.PutBucketEncryptionAsync(
                new PutBucketEncryptionRequest
                {
                    BucketName = Name,
                    ExpectedBucketOwner = accountId,
                    ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
                    {
                        ServerSideEncryptionRules =
                        [
                            new ServerSideEncryptionRule
                            {
                                ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AES256 },
                                BucketKeyEnabled = true,
                            },
                        ],
                    },
                },
                token)));
        }

        var versioning = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = Name, ExpectedBucketOwner = accountId }, cancellationToken);
        if (versioning.VersioningConfig?.Status != VersionStatus.Enabled)
        {
            // Versioning is what lets the template pin the exact object version that was uploaded.
            problems.Add(new("versioning", "versioning is not enabled", token => s3.PutBucketVersioningAsync(
                new PutBucketVersioningRequest
                {
                    BucketName = Name,
                    ExpectedBucketOwner = accountId,
                    VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
                },
                token)));
        }

        if (!IsPlainHttp)
        {
            var policy = await OrNullWhenMissing(() => s3.GetBucketPolicyAsync(
                new GetBucketPolicyRequest { BucketName = Name, ExpectedBucketOwner = accountId }, cancellationToken));
            if (policy?.Policy is null || !DeniesInsecureTransport(policy.Policy))
            {
                problems.Add(new("the deny-non-TLS policy", "no bucket policy denies requests without TLS (aws:SecureTransport false)", token => s3.PutBucketPolicyAsync(
                    new PutBucketPolicyRequest { BucketName = Name, ExpectedBucketOwner = accountId, Policy = DenyInsecureTransportPolicy(Name) },
                    token)));
            }
        }

        return problems;
    }

    /// <summary>A Deny statement for every principal and every S3 action when <c>aws:SecureTransport</c> is false.</summary>
    internal static bool DeniesInsecureTransport(string policy)
    {
        var statements = JsonNode.Parse(policy)?["Statement"] switch
        {
            JsonArray array => array.OfType<JsonObject>().ToList(),
            JsonObject single => [single],
            _ => [],
        };
        return statements.Any(statement =>
            statement["Effect"]?.GetValue<string>() == "Deny" &&
            statement["Principal"]?.ToJsonString() is "\"*\"" or "{\"AWS\":\"*\"}" &&
            statement["Action"]?.ToJsonString() is "\"s3:*\"" or "[\"s3:*\"]" &&
            statement["Condition"]?["Bool"]?["aws:SecureTransport"]?.ToJsonString() is "\"false\"" or "false");
    }

    private async Task<GetObjectMetadataResponse?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await s3.GetObjectMetadataAsync(
                new GetObjectMetadataRequest { BucketName = Name, Key = key, ExpectedBucketOwner = accountId, ChecksumMode = ChecksumMode.ENABLED },
                cancellationToken);
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async IAsyncEnumerable<List<KeyVersion>> VersionPagesAsync(string? prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? keyMarker = null;
        string? versionMarker = null;
        while (true)
        {
            var page = await s3.ListVersionsAsync(
                new ListVersionsRequest { BucketName = Name, ExpectedBucketOwner = accountId, Prefix = prefix, KeyMarker = keyMarker, VersionIdMarker = versionMarker },
                cancellationToken);
            // Versions include delete markers (IsDeleteMarker): a bucket is empty only when both are gone.
            yield return (page.Versions ?? [])
                .Select(version => new KeyVersion { Key = version.Key, VersionId = version.VersionId == "null" ? null : version.VersionId })
                .ToList();
            if (page.IsTruncated != true)
            {
                yield break;
            }

            keyMarker = page.NextKeyMarker;
            versionMarker = page.NextVersionIdMarker;
        }
    }

    private static async Task<T?> OrNullWhenMissing<T>(Func<Task<T>> call)
        where T : class
    {
        try
        {
            return await call();
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
