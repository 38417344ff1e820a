using SecureLambda.Deploy.Cli;
using SecureLambda.Deploy.CloudFormation;

namespace SecureLambda.Deploy.Stacks;

/// <summary>
/// <c>destroy</c>: after consent, turns termination protection off, deletes the stack, and removes this stack's
/// artifacts, and only those. The artifact bucket goes too when this tool created it and no other stack's artifacts are
/// left in it; a bucket of another account is never touched.
/// </summary>
internal sealed class StackDestroyer(DeployHost host, Consent consent)
{
    public async Task<int> DestroyAsync(StackOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(options, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new DeployException(
                $"Interrupted: a stack deletion already started goes on in CloudFormation; run destroy --stack-name {options.StackName} again to finish the clean-up.",
                ExitCodes.Interrupted);
        }
    }

    private async Task<int> RunAsync(StackOptions options, CancellationToken cancellationToken)
    {
        using var session = await AwsSession.ConnectAsync(host, options, cancellationToken);
        var cloudFormation = session.CloudFormation;
        var stack = await cloudFormation.DescribeStackAsync(options.StackName, cancellationToken);
        if (stack is null)
        {
            await host.Out.WriteLineAsync($"Stack {options.StackName} does not exist.");
        }
        else
        {
            await consent.RequireAsync(
                $"Delete stack {options.StackName} ({stack.Status}{(stack.TerminationProtection ? ", termination protection on" : "")}) and its artifacts?",
                "Nothing was deleted.",
                cancellationToken);
            if (stack.TerminationProtection)
            {
                await cloudFormation.UpdateTerminationProtectionAsync(options.StackName, enabled: false, cancellationToken);
                await host.Out.WriteLineAsync($"Termination protection turned off for {options.StackName}.");
            }

            var watcher = new StackEventWatcher(cloudFormation, host.Out, host.Delay, host.PollInterval);
            await watcher.RunAsync(
                options.StackName, stack.StackId, () => cloudFormation.DeleteStackAsync(options.StackName, cancellationToken),
                $"Deleting stack {options.StackName} …", "DELETE_COMPLETE", cancellationToken);

            await host.Out.WriteLineAsync(
                $"Stack {options.StackName}: DELETE_COMPLETE. The user pools are retained (DeletionPolicy: Retain); delete them in the Cognito console if they are no longer wanted.");
        }

        var bucket = session.Bucket(options.ArtifactBucket);
        bool ours;
        try
        {
            if (!await bucket.ExistsAsync(cancellationToken))
            {
                return ExitCodes.Success;
            }

            ours = await bucket.IsOwnedByUsAsync(cancellationToken);
        }
        catch (DeployException)
        {
            // S3 refused ExpectedBucketOwner: another account's bucket.
            ours = false;
        }

        if (!ours)
        {
            await host.Out.WriteLineAsync($"Artifact bucket {bucket.Name} belongs to another AWS account: left alone.");
            return ExitCodes.Success;
        }

        var deleted = await bucket.DeleteStackArtifactsAsync(options.StackName, cancellationToken);
        await host.Out.WriteLineAsync($"Deleted {deleted} artifact version(s) of {options.StackName} from s3://{bucket.Name}/{Artifacts.ArtifactBucket.StackPrefix(options.StackName)}.");
        if (!await bucket.WasCreatedByToolAsync(cancellationToken))
        {
            await host.Out.WriteLineAsync($"Artifact bucket {bucket.Name} was not created by this tool (no {Artifacts.ArtifactBucket.CreatedByTagKey} tag): kept.");
            return ExitCodes.Success;
        }

        var others = await bucket.OtherContentAsync(cancellationToken);
        if (others.Count > 0)
        {
            await host.Out.WriteLineAsync($"Kept artifact bucket {bucket.Name}: it still holds artifacts of {string.Join(", ", others)}.");
            return ExitCodes.Success;
        }

        await bucket.DeleteAsync(cancellationToken);
        await host.Out.WriteLineAsync($"Deleted artifact bucket {bucket.Name}: no other stack's artifacts were in it.");
        return ExitCodes.Success;
    }
}
