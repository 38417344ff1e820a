using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using SecureLambda.Aws.Core;
using SecureLambda.Deploy.Artifacts;
using SecureLambda.Deploy.CloudFormation;
using SecureLambda.Deploy.Cognito;

namespace SecureLambda.Deploy.Cli;

/// <summary>The two commands, <c>deploy</c> and <c>destroy</c>, from parsed arguments to an exit code.</summary>
public sealed class DeployCli(DeployHost host)
{
    private static readonly string[] NoChangeReasons =
    [
        "didn't contain changes", // CreateChangeSet with nothing to do
        "No updates are to be performed",
    ];

    private static readonly HashSet<string> DeployedStatuses = new(StringComparer.Ordinal) { "CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE" };

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        try
        {
            var options = CliOptions.Parse(args);
            return options.Command == "destroy"
                ? await DestroyAsync(options, cancellationToken)
                : await DeployAsync(options, cancellationToken);
        }
        catch (DeployException error)
        {
            await host.Error.WriteLineAsync(error.Message);
            if (error.ExitCode == ExitCodes.Usage && error.Message != NoCredentials.Message && !error.Message.StartsWith(NoCredentials.Message, StringComparison.Ordinal))
            {
                await host.Error.WriteLineAsync(CliOptions.Usage);
            }

            return error.ExitCode;
        }
        catch (AwsServiceException error)
        {
            await host.Error.WriteLineAsync($"{error.Service} {error.ErrorCode}: {error.AwsMessage}");
            return ExitCodes.Failed;
        }
        catch (AmazonServiceException error)
        {
            await host.Error.WriteLineAsync($"S3 {error.ErrorCode}: {error.Message}");
            return ExitCodes.Failed;
        }
    }

    private async Task<int> DeployAsync(CliOptions options, CancellationToken cancellationToken)
    {
        var templatePath = Path.GetFullPath(options.Template ?? CliOptions.DefaultTemplate, host.RepositoryRoot);
        var templateText = await File.ReadAllTextAsync(templatePath, cancellationToken);
        var templateParameters = ChangeSetParameters.ReadTemplateParameters(templateText);
        // Fail on a mistyped --parameter now, not after a minute of publishing.
        ChangeSetParameters.Build(templateParameters, options.Parameters, "-", "-");

        var session = await ConnectAsync(options, cancellationToken);
        var cloudFormation = new CloudFormationClient(host.Http, session.Context);
        var existing = await cloudFormation.DescribeStackAsync(options.StackName, cancellationToken);
        if (existing?.Status == "ROLLBACK_COMPLETE")
        {
            throw new DeployException(
                $"Stack {options.StackName} is in ROLLBACK_COMPLETE: its first creation failed, and CloudFormation cannot update it. " +
                $"Delete it first: dotnet run --project SecureLambda.Deploy -- destroy --stack-name {options.StackName} --region {session.Region}");
        }

        if (existing is not null && existing.Status != "REVIEW_IN_PROGRESS" && !StackEventWatcher.IsFinal(existing.Status))
        {
            throw new DeployException($"Stack {options.StackName} is {existing.Status}: wait for that operation to finish, then deploy again.");
        }

        // A stack that only ever had an unexecuted CREATE change set is REVIEW_IN_PROGRESS and takes another CREATE.
        var isCreate = existing is null || existing.Status == "REVIEW_IN_PROGRESS";

        var package = await host.Packager(host.RepositoryRoot).BuildAsync(host.Out, cancellationToken);
        var bucket = await EnsureArtifactBucketAsync(options, session, cancellationToken);
        var uploaded = await session.Artifacts.UploadIfMissingAsync(bucket, package.ObjectKey, package.ZipPath, cancellationToken);
        await host.Out.WriteLineAsync(uploaded
            ? $"Uploaded s3://{bucket}/{package.ObjectKey}"
            : $"s3://{bucket}/{package.ObjectKey} already holds this build: upload skipped");

        var template = await TemplateSourceAsync(templateText, bucket, session.Artifacts, cancellationToken);
        var parameters = ChangeSetParameters.Build(
            templateParameters, options.Parameters, bucket, package.ObjectKey, isCreate ? null : existing!.ParameterKeys);
        var changeSetName = $"securelambda-{host.Time.GetUtcNow():yyyyMMdd-HHmmss}";
        await cloudFormation.CreateChangeSetAsync(
            new ChangeSetRequest(options.StackName, changeSetName, isCreate, template, parameters), cancellationToken);
        var changeSet = await WaitForChangeSetAsync(cloudFormation, options.StackName, changeSetName, cancellationToken);
        if (changeSet.Status == "FAILED")
        {
            if (NoChangeReasons.Any(reason => changeSet.StatusReason?.Contains(reason, StringComparison.Ordinal) == true))
            {
                await host.Out.WriteLineAsync($"No changes: stack {options.StackName} is already up to date.");
                await cloudFormation.DeleteChangeSetAsync(options.StackName, changeSetName, cancellationToken);
                return await FinishAsync(options, cloudFormation, session, cancellationToken);
            }

            throw new DeployException($"Change set {changeSetName} failed: {changeSet.StatusReason}");
        }

        await host.Out.WriteAsync(ChangeSetSummary.Render(changeSet));
        if (options.DryRun)
        {
            await host.Out.WriteLineAsync(
                $"Dry run: change set {changeSetName} is kept for review and nothing was executed. Execute it with " +
                $"`aws cloudformation execute-change-set --stack-name {options.StackName} --change-set-name {changeSetName}`, " +
                $"or discard it with `aws cloudformation delete-change-set --stack-name {options.StackName} --change-set-name {changeSetName}`.");
            return ExitCodes.Success;
        }

        var watcher = new StackEventWatcher(cloudFormation, host.Out, host.Delay, host.PollInterval);
        var stackId = string.IsNullOrEmpty(changeSet.StackId) ? options.StackName : changeSet.StackId;
        var baseline = await watcher.LatestEventIdAsync(stackId, cancellationToken);
        await cloudFormation.ExecuteChangeSetAsync(options.StackName, changeSetName, cancellationToken);
        await host.Out.WriteLineAsync($"Executing change set {changeSetName} …");
        var result = await watcher.WatchAsync(stackId, baseline, cancellationToken);
        if (!DeployedStatuses.Contains(result.FinalStatus))
        {
            throw new DeployException(FailureMessage(options.StackName, result));
        }

        await host.Out.WriteLineAsync($"Stack {options.StackName}: {result.FinalStatus}");
        return await FinishAsync(options, cloudFormation, session, cancellationToken);
    }

    private async Task<int> DestroyAsync(CliOptions options, CancellationToken cancellationToken)
    {
        var session = await ConnectAsync(options, cancellationToken);
        var cloudFormation = new CloudFormationClient(host.Http, session.Context);
        var existing = await cloudFormation.DescribeStackAsync(options.StackName, cancellationToken);
        if (existing is null)
        {
            await host.Out.WriteLineAsync($"Stack {options.StackName} does not exist.");
        }
        else
        {
            var watcher = new StackEventWatcher(cloudFormation, host.Out, host.Delay, host.PollInterval);
            var baseline = await watcher.LatestEventIdAsync(existing.StackId, cancellationToken);
            await cloudFormation.DeleteStackAsync(options.StackName, cancellationToken);
            await host.Out.WriteLineAsync($"Deleting stack {options.StackName} …");
            // By id: once deleted, the stack is no longer found by its name.
            var result = await watcher.WatchAsync(existing.StackId, baseline, cancellationToken);
            if (result.FinalStatus != "DELETE_COMPLETE")
            {
                throw new DeployException(FailureMessage(options.StackName, result));
            }

            await host.Out.WriteLineAsync(
                $"Stack {options.StackName}: DELETE_COMPLETE. The user pools are retained (DeletionPolicy: Retain); delete them in the Cognito console if they are no longer wanted.");
        }

        var bucket = options.ArtifactBucket ?? ArtifactStore.DefaultBucketName(session.AccountId, session.Region);
        if (!await session.Artifacts.BucketExistsAsync(bucket, cancellationToken))
        {
            return ExitCodes.Success;
        }

        if (await session.Artifacts.WasCreatedByToolAsync(bucket, cancellationToken))
        {
            await session.Artifacts.EmptyAndDeleteAsync(bucket, cancellationToken);
            await host.Out.WriteLineAsync($"Deleted artifact bucket {bucket}.");
        }
        else
        {
            await host.Out.WriteLineAsync($"Artifact bucket {bucket} was not created by this tool (no {ArtifactStore.CreatedByTagKey} tag): left in place.");
        }

        return ExitCodes.Success;
    }

    /// <summary>Outputs to the console and the outputs file, then the optional invitations.</summary>
    private async Task<int> FinishAsync(CliOptions options, CloudFormationClient cloudFormation, Session session, CancellationToken cancellationToken)
    {
        var stack = await cloudFormation.DescribeStackAsync(options.StackName, cancellationToken)
            ?? throw new DeployException($"Stack {options.StackName} vanished after deploying.");
        await host.Out.WriteLineAsync("Outputs:");
        foreach (var (key, value) in stack.Outputs.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            await host.Out.WriteLineAsync($"  {key} = {value}");
        }

        var outputsPath = Path.GetFullPath(options.OutputsFile);
        await File.WriteAllTextAsync(outputsPath, OutputsJson(options.StackName, stack.Outputs), cancellationToken);
        await host.Out.WriteLineAsync($"Outputs written to {outputsPath}");

        var users = new CognitoUsers(host.Http, session.Context);
        foreach (var (email, poolOutput) in new[] { (options.User1Email, "UserPool1Id"), (options.User2Email, "UserPool2Id") })
        {
            if (email is null)
            {
                continue;
            }

            if (!stack.Outputs.TryGetValue(poolOutput, out var poolId))
            {
                throw new DeployException($"The stack has no {poolOutput} output, so {email} cannot be invited.");
            }

            var created = await users.InviteAsync(poolId, email, cancellationToken);
            await host.Out.WriteLineAsync(created
                ? $"Invited {email} to {poolId}: Cognito e-mails a temporary password."
                : $"{email} already exists in {poolId}: not invited again.");
        }

        return ExitCodes.Success;
    }

    /// <summary>The shape of <c>cdk deploy --outputs-file</c>: <c>{ "stack": { "OutputKey": "value" } }</c>.</summary>
    internal static string OutputsJson(string stackName, IReadOnlyDictionary<string, string> outputs)
    {
        var values = new JsonObject();
        foreach (var (key, value) in outputs.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            values[key] = value;
        }

        return new JsonObject { [stackName] = values }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    internal static string FailureMessage(string stackName, StackOperationResult result) =>
        result.FirstFailure is { } failure
            ? $"Stack {stackName} ended {result.FinalStatus}. First failure: {failure.LogicalResourceId} ({failure.ResourceType}) {failure.ResourceStatus}: {failure.ResourceStatusReason}"
            : $"Stack {stackName} ended {result.FinalStatus}{(result.StackStatusReason is null ? "." : ": " + result.StackStatusReason)}";

    private async Task<ChangeSetDescription> WaitForChangeSetAsync(
        CloudFormationClient cloudFormation,
        string stackName,
        string changeSetName,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var changeSet = await cloudFormation.DescribeChangeSetAsync(stackName, changeSetName, cancellationToken);
            if (changeSet.Status is "CREATE_COMPLETE" or "FAILED")
            {
                return changeSet;
            }

            await host.Delay(host.PollInterval, cancellationToken);
        }
    }

    private async Task<string> EnsureArtifactBucketAsync(CliOptions options, Session session, CancellationToken cancellationToken)
    {
        var bucket = options.ArtifactBucket ?? ArtifactStore.DefaultBucketName(session.AccountId, session.Region);
        if (await session.Artifacts.EnsureBucketAsync(bucket, cancellationToken))
        {
            await host.Out.WriteLineAsync($"Created artifact bucket {bucket} (tagged {ArtifactStore.CreatedByTagKey}={ArtifactStore.CreatedByTagValue}).");
        }

        return bucket;
    }

    private static async Task<TemplateSource> TemplateSourceAsync(string templateText, string bucket, ArtifactStore artifacts, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(templateText);
        if (bytes.Length <= TemplateSource.MaxBodyBytes)
        {
            return new TemplateSource(templateText, null);
        }

        var key = $"template-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..16]}.yaml";
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, bytes, cancellationToken);
            await artifacts.UploadIfMissingAsync(bucket, key, path, cancellationToken);
        }
        finally
        {
            File.Delete(path);
        }

        return new TemplateSource(null, artifacts.ObjectUrl(bucket, key));
    }

    private async Task<Session> ConnectAsync(CliOptions options, CancellationToken cancellationToken)
    {
        var region = options.Region ?? Environment(AwsRegion.RegionVariable) ?? Environment(AwsRegion.DefaultRegionVariable)
            ?? throw new DeployException("No AWS region: pass --region or set AWS_REGION.", ExitCodes.Usage);
        var credentials = await host.Credentials.ResolveAsync(options.Profile ?? Environment("AWS_PROFILE"), cancellationToken);
        var endpoints = new AwsEndpointResolver(host.GetEnvironmentVariable);
        var context = new AwsClientContext(new StaticCredentialsProvider(credentials), region, endpoints, AwsRetryPolicy.Default, host.Time);
        var accountId = await new StsClient(host.Http, context).GetAccountIdAsync(cancellationToken);
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

        AWSCredentials sdkCredentials = credentials.SessionToken is null
            ? new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey)
            : new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken);
        var s3 = new AmazonS3Client(sdkCredentials, config);
        return new Session(region, accountId, context, new ArtifactStore(s3, region, configured));
    }

    private string? Environment(string name) => host.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private sealed record Session(string Region, string AccountId, AwsClientContext Context, ArtifactStore Artifacts);
}
