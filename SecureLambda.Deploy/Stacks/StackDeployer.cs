using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SecureLambda.Aws.CloudFormation;
using SecureLambda.Aws.Core;
using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Intrinsics;
using SecureLambda.Deploy.Artifacts;
using SecureLambda.Deploy.Cli;
using SecureLambda.Deploy.CloudFormation;
using SecureLambda.Deploy.Cognito;

namespace SecureLambda.Deploy.Stacks;

/// <summary>
/// <c>deploy</c>: from a stack in any state to a deployed one. The stack's state decides the path (create, update,
/// recover from a failed create or a failed rollback, wait for an operation still running); change sets left by an
/// earlier run are reported and replaced or, with <c>--execute-change-set</c>, executed; destructive changes wait for
/// consent. An interrupted run says what it left, and the next run picks up from there.
/// </summary>
internal sealed class StackDeployer(DeployHost host, Consent consent)
{
    public const string ChangeSetPrefix = "securelambda-";

    private static readonly HashSet<string> DeployedStatuses = new(StringComparer.Ordinal) { "CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE" };

    private string _phase = "starting";
    private IReadOnlyList<string> _apiKeyOutputs = [];
    private (string Stack, string ChangeSet)? _unexecuted;
    private (string Stack, string ChangeSet)? _executing;
    private CloudFormationClient? _cloudFormation;

    public async Task<int> DeployAsync(DeployOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(options, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new DeployException(await InterruptedAsync(), ExitCodes.Interrupted);
        }
    }

    private async Task<int> RunAsync(DeployOptions options, CancellationToken cancellationToken)
    {
        var stackName = options.Stack.StackName;
        var templatePath = options.Template is null ? Path.Combine(host.RepositoryRoot, DeployOptions.DefaultTemplate) : host.FullPath(options.Template);
        if (!File.Exists(templatePath))
        {
            throw new DeployException($"Template {templatePath} not found. Pass --template, or run from a clone of SecureLambda.", ExitCodes.Usage);
        }

        var templateText = await File.ReadAllTextAsync(templatePath, cancellationToken);
        var declared = ChangeSetParameters.ReadTemplateParameters(templateText);
        // A mistyped --parameter fails now, not after a minute of publishing.
        ChangeSetParameters.Validate(declared, options.Parameters);
        _apiKeyOutputs = ApiKeyOutputs(CloudFormationTemplate.Parse(templateText, templatePath));

        _phase = "connecting to AWS";
        using var session = await AwsSession.ConnectAsync(host, options.Stack, cancellationToken);
        var cloudFormation = _cloudFormation = session.CloudFormation;
        var watcher = new StackEventWatcher(cloudFormation, host.Out, host.Delay, host.PollInterval);

        var existing = await ReadyStackAsync(cloudFormation, watcher, stackName, session.Region, cancellationToken);
        var isCreate = existing is null || existing.Status == "REVIEW_IN_PROGRESS";
        var pending = (await cloudFormation.ListChangeSetsAsync(stackName, cancellationToken))
            .Where(entry => entry.ChangeSetName.StartsWith(ChangeSetPrefix, StringComparison.Ordinal) && entry.ExecutionStatus == "AVAILABLE")
            .ToList();

        if (options.ExecuteChangeSet is { } kept)
        {
            if (!pending.Any(entry => entry.ChangeSetName == kept))
            {
                var available = pending.Count == 0 ? "none" : string.Join(", ", pending.Select(entry => entry.ChangeSetName));
                throw new DeployException($"Stack {stackName} has no change set {kept} ready to execute (ready: {available}).", ExitCodes.Usage);
            }

            var changeSet = await cloudFormation.DescribeChangeSetAsync(stackName, kept, cancellationToken);
            await host.Out.WriteAsync(ChangeSetSummary.Render(changeSet));
            return await ExecuteAsync(options, session, watcher, changeSet, isCreate, cancellationToken);
        }

        _phase = "packaging the bootstrap";
        var package = await host.Packager(options.BootstrapDirectory is null ? null : host.FullPath(options.BootstrapDirectory)).BuildAsync(host.Out, cancellationToken);

        _phase = "preparing the artifact bucket";
        var bucket = session.Bucket(options.Stack.ArtifactBucket);
        foreach (var note in await bucket.PrepareAsync(mayCreate: options.Stack.ArtifactBucket is null, cancellationToken))
        {
            await host.Out.WriteLineAsync(note);
        }

        _phase = "uploading the package";
        var code = await bucket.UploadAsync(stackName, package, percent => host.Out.WriteLine($"  uploading … {percent}%"), cancellationToken);
        await host.Out.WriteLineAsync(code.Uploaded
            ? $"Uploaded s3://{bucket.Name}/{code.Key}{VersionText(code.VersionId)}"
            : $"s3://{bucket.Name}/{code.Key} already holds this build (SHA-256 checked): upload skipped{VersionText(code.VersionId)}");

        string? Effective(string name) =>
            options.Parameters.LastOrDefault(pair => pair.Key == name).Value
            ?? (existing is not null && existing.Parameters.TryGetValue(name, out var previous) ? previous : null)
            ?? (declared.TryGetValue(name, out var parameter) ? parameter.DefaultText : null);
        var (revisedTemplate, renames) = ApiDeploymentRevision.Apply(templateText, Effective);
        foreach (var (from, to) in renames)
        {
            await host.Out.WriteLineAsync($"API revision: {from} is deployed as {to} (its name changes only when the API does).");
        }

        var template = await TemplateSourceAsync(revisedTemplate, isCreate ? null : cloudFormation, bucket, stackName, cancellationToken);
        if (template.IsPrevious)
        {
            await host.Out.WriteLineAsync("Template: unchanged since the last deploy; the change set uses the stack's own.");
        }

        var parameters = ChangeSetParameters.Build(
            declared, options.Parameters, new CodeLocation(bucket.Name, code.Key, code.VersionId), isCreate ? null : existing!.ParameterKeys);

        var changeSetName = string.Create(
            CultureInfo.InvariantCulture, $"{ChangeSetPrefix}{host.Time.GetUtcNow():yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}");
        _phase = $"creating change set {changeSetName}";
        try
        {
            _unexecuted = (stackName, changeSetName);
            await cloudFormation.CreateChangeSetAsync(new ChangeSetRequest(stackName, changeSetName, isCreate, template, parameters), cancellationToken);
        }
        catch (AwsServiceException error) when (error.ErrorCode == "ValidationError" && CloudFormationClient.MeansNoChanges(error.AwsMessage))
        {
            _unexecuted = null;
            return await NoChangesAsync(options, session, pending, cancellationToken);
        }

        var created = await WaitForChangeSetAsync(cloudFormation, stackName, changeSetName, cancellationToken);
        if (created.Status == "FAILED")
        {
            if (CloudFormationClient.MeansNoChanges(created.StatusReason))
            {
                await cloudFormation.DeleteChangeSetAsync(stackName, changeSetName, cancellationToken);
                _unexecuted = null;
                return await NoChangesAsync(options, session, pending, cancellationToken);
            }

            throw new DeployException($"Change set {changeSetName} failed: {created.StatusReason}");
        }

        await ReplacePendingAsync(cloudFormation, stackName, pending, cancellationToken);
        await host.Out.WriteAsync(ChangeSetSummary.Render(created));
        if (options.DryRun)
        {
            _unexecuted = null;
            await host.Out.WriteLineAsync(
                $"Dry run: change set {changeSetName} is kept for review and nothing was executed. Execute it with " +
                $"`dotnet run --project SecureLambda.Deploy -- deploy --stack-name {stackName} --region {session.Region} --execute-change-set {changeSetName}`, " +
                $"or discard it with `aws cloudformation delete-change-set --stack-name {stackName} --change-set-name {changeSetName}`; " +
                "the next deploy replaces it.");
            return ExitCodes.Success;
        }

        return await ExecuteAsync(options, session, watcher, created, isCreate, cancellationToken);
    }

    /// <summary>Consent for destructive rows, then execute, watch, protect a new stack, and finish.</summary>
    private async Task<int> ExecuteAsync(
        DeployOptions options,
        AwsSession session,
        StackEventWatcher watcher,
        ChangeSetDescription changeSet,
        bool isCreate,
        CancellationToken cancellationToken)
    {
        var stackName = options.Stack.StackName;
        var destructive = ChangeSetSummary.Destructive(changeSet);
        if (destructive.Count > 0)
        {
            // A refusal keeps the change set for review, not for the interrupt handler to delete.
            _unexecuted = null;
            await consent.RequireAsync(
                $"Change set {changeSet.ChangeSetName} replaces or removes {destructive.Count} resource(s): " +
                $"{string.Join(", ", destructive.Select(change => $"{change.Action} {change.LogicalResourceId}"))}. Execute it?",
                $"Change set {changeSet.ChangeSetName} is kept for review; nothing was executed. Execute it with " +
                $"`dotnet run --project SecureLambda.Deploy -- deploy --stack-name {stackName} --region {session.Region} --execute-change-set {changeSet.ChangeSetName} --yes`.",
                cancellationToken);
        }

        var stackId = string.IsNullOrEmpty(changeSet.StackId) ? stackName : changeSet.StackId;
        var baseline = await watcher.LatestEventIdAsync(stackId, cancellationToken);
        _phase = $"executing change set {changeSet.ChangeSetName}";
        _unexecuted = null;
        _executing = (stackName, changeSet.ChangeSetName);
        await session.CloudFormation.ExecuteChangeSetAsync(stackName, changeSet.ChangeSetName, cancellationToken);
        await host.Out.WriteLineAsync($"Executing change set {changeSet.ChangeSetName} …");
        var result = await watcher.WatchAsync(stackId, baseline, cancellationToken);
        _executing = null;
        if (!DeployedStatuses.Contains(result.FinalStatus))
        {
            throw new DeployException(StackEventWatcher.FailureMessage(stackName, result) + NextStep(result.FinalStatus, stackName, session.Region));
        }

        await host.Out.WriteLineAsync($"Stack {stackName}: {result.FinalStatus}");
        if (isCreate)
        {
            await ProtectAsync(session.CloudFormation, stackName, cancellationToken);
        }

        return await FinishAsync(options, session, cancellationToken);
    }

    /// <summary>
    /// Termination protection makes a stray <c>delete-stack</c> fail
    /// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html). CreateChangeSet
    /// cannot set it, so it is turned on once the stack exists. A refusal (an engine that lacks the call) is a warning,
    /// not a failed deploy: the stack itself is deployed.
    /// </summary>
    private async Task ProtectAsync(CloudFormationClient cloudFormation, string stackName, CancellationToken cancellationToken)
    {
        try
        {
            await cloudFormation.UpdateTerminationProtectionAsync(stackName, enabled: true, cancellationToken);
            await host.Out.WriteLineAsync($"Termination protection is on for {stackName} (destroy turns it off, after asking).");
        }
        catch (AwsServiceException error)
        {
            await host.Out.WriteLineAsync(
                $"WARNING: could not turn on termination protection for {stackName} ({error.ErrorCode}: {error.AwsMessage}). " +
                $"Turn it on with `aws cloudformation update-termination-protection --enable-termination-protection --stack-name {stackName}`.");
        }
    }

    /// <summary>
    /// Waits for or recovers the stack until it can take a change set; null when it must be created. A failed first
    /// create (<c>ROLLBACK_COMPLETE</c>) can only be deleted, and a failed rollback (<c>UPDATE_ROLLBACK_FAILED</c>) must be
    /// continued (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html): both with consent.
    /// </summary>
    private async Task<StackDescription?> ReadyStackAsync(
        CloudFormationClient cloudFormation,
        StackEventWatcher watcher,
        string stackName,
        string region,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stack = await cloudFormation.DescribeStackAsync(stackName, cancellationToken);
            switch (stack?.Status)
            {
                case null:
                    return null;
                case "ROLLBACK_COMPLETE" or "ROLLBACK_FAILED":
                    await consent.RequireAsync(
                        $"Stack {stackName} is {stack.Status}: its first creation failed, and CloudFormation can only delete it. Delete it and create it again?",
                        $"Nothing was changed. Delete it with `dotnet run --project SecureLambda.Deploy -- destroy --stack-name {stackName} --region {region}`.",
                        cancellationToken);
                    await watcher.RunAsync(stackName, stack.StackId, () => cloudFormation.DeleteStackAsync(stackName, cancellationToken), $"Deleting stack {stackName} …", "DELETE_COMPLETE", cancellationToken);
                    return null;
                case "UPDATE_ROLLBACK_FAILED":
                    await consent.RequireAsync(
                        $"Stack {stackName} is UPDATE_ROLLBACK_FAILED: a rollback could not finish. Continue the rollback (ContinueUpdateRollback), then deploy?",
                        $"Nothing was changed. See why in `aws cloudformation describe-stack-events --stack-name {stackName}`, fix it, then deploy again.",
                        cancellationToken);
                    await watcher.RunAsync(stackName, stack.StackId, () => cloudFormation.ContinueUpdateRollbackAsync(stackName, cancellationToken), $"Continuing the rollback of {stackName} …", "UPDATE_ROLLBACK_COMPLETE", cancellationToken);
                    continue;
                case "DELETE_FAILED":
                    throw new DeployException(
                        $"Stack {stackName} is DELETE_FAILED: destroy it again (`dotnet run --project SecureLambda.Deploy -- destroy --stack-name {stackName} --region {region}`), then deploy.");
                case "REVIEW_IN_PROGRESS":
                    return stack;
                case { } status when !StackEventWatcher.IsFinal(status):
                    await host.Out.WriteLineAsync($"Stack {stackName} is {status}: an operation started earlier (perhaps by an interrupted deploy) is running. Waiting for it to finish …");
                    await watcher.WatchAsync(stack.StackId, await watcher.LatestEventIdAsync(stack.StackId, cancellationToken), cancellationToken);
                    continue;
                default:
                    return stack;
            }
        }
    }

    private async Task<int> NoChangesAsync(DeployOptions options, AwsSession session, IReadOnlyList<ChangeSetSummaryEntry> pending, CancellationToken cancellationToken)
    {
        await host.Out.WriteLineAsync($"No changes: stack {options.Stack.StackName} is already up to date.");
        await ReplacePendingAsync(session.CloudFormation, options.Stack.StackName, pending, cancellationToken);
        return await FinishAsync(options, session, cancellationToken);
    }

    private async Task ReplacePendingAsync(CloudFormationClient cloudFormation, string stackName, IReadOnlyList<ChangeSetSummaryEntry> pending, CancellationToken cancellationToken)
    {
        foreach (var entry in pending)
        {
            await cloudFormation.DeleteChangeSetAsync(stackName, entry.ChangeSetName, cancellationToken);
            await host.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"Replaced change set {entry.ChangeSetName} (created {entry.CreationTime:u} and never executed, as a --dry-run leaves it): deleted."));
        }
    }

    /// <summary>Outputs to the console and the outputs file, then the optional invitations.</summary>
    private async Task<int> FinishAsync(DeployOptions options, AwsSession session, CancellationToken cancellationToken)
    {
        var stackName = options.Stack.StackName;
        var stack = await session.CloudFormation.DescribeStackAsync(stackName, cancellationToken)
            ?? throw new DeployException($"Stack {stackName} vanished after deploying.");
        await host.Out.WriteLineAsync("Outputs:");
        foreach (var (key, value) in stack.Outputs.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            await host.Out.WriteLineAsync($"  {key} = {value}");
        }

        var outputsPath = host.FullPath(options.OutputsFile);
        var partial = $"{outputsPath}.{Guid.NewGuid():N}.partial";
        await File.WriteAllTextAsync(partial, OutputsJson(stackName, stack.Outputs), cancellationToken);
        File.Move(partial, outputsPath, overwrite: true);
        await host.Out.WriteLineAsync($"Outputs written to {outputsPath}");

        // AWS generates each key's value and the outputs hold only its id: say how its owner reads the value, which
        // never goes to the console or the outputs file.
        foreach (var output in _apiKeyOutputs)
        {
            if (stack.Outputs.TryGetValue(output, out var keyId))
            {
                await host.Out.WriteLineAsync(
                    $"API key {output} = {keyId}; its value: `aws apigateway get-api-key --api-key {keyId} --include-value --region {session.Region} --query value --output text`");
            }
        }

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

    /// <summary>The template's outputs whose value is an API key's id (<c>!Ref</c> of an <c>AWS::ApiGateway::ApiKey</c>).</summary>
    internal static IReadOnlyList<string> ApiKeyOutputs(CloudFormationTemplate template) =>
        [.. template.Outputs.Values.Where(output => template.Target(output.Value) is { Type: "AWS::ApiGateway::ApiKey" } && IntrinsicReferences.RefTarget(output.Value) is not null)
            .Select(output => output.Name)];

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

    private static string NextStep(string status, string stackName, string region) => status switch
    {
        "ROLLBACK_COMPLETE" => $" Fix the cause, then deploy again: the tool offers to delete the failed stack first (or run destroy --stack-name {stackName} --region {region}).",
        "UPDATE_ROLLBACK_COMPLETE" => " The stack is back at its previous version; fix the cause and deploy again.",
        "UPDATE_ROLLBACK_FAILED" => " Fix the cause, then deploy again: the tool offers to continue the rollback first.",
        _ => "",
    };

    private static string VersionText(string? versionId) => versionId is null ? "" : $" (version {versionId})";

    private async Task<ChangeSetDescription> WaitForChangeSetAsync(CloudFormationClient cloudFormation, string stackName, string changeSetName, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var changeSet = await cloudFormation.DescribeChangeSetAsync(stackName, changeSetName, cancellationToken);
            if (changeSet.Status is "CREATE_COMPLETE" or "FAILED")
            {
                return changeSet;
            }

            await host.Delay(host.PollInterval, cancellationToken);
        }
    }

    /// <summary>
    /// Without its comments: the stack's own when an update's template is the one it was last given (nothing is
    /// uploaded, and CloudFormation then knows an unchanged update for what it is), inline up to CloudFormation's body
    /// limit, and larger templates through the stack's folder of the bucket.
    /// </summary>
    private static async Task<TemplateSource> TemplateSourceAsync(
        string templateText, CloudFormationClient? existingStack, ArtifactBucket bucket, string stackName, CancellationToken cancellationToken)
    {
        var body = TemplateYaml.WithoutComments(templateText);
        if (existingStack is not null && await existingStack.GetOriginalTemplateAsync(stackName, cancellationToken) == body)
        {
            return TemplateSource.Previous;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        if (bytes.Length <= TemplateSource.MaxBodyBytes)
        {
            return new TemplateSource(body, null);
        }

        var digest = SHA256.HashData(bytes);
        var key = $"{ArtifactBucket.StackPrefix(stackName)}template-{Convert.ToHexStringLower(digest)[..16]}.yaml";
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, bytes, cancellationToken);
            var (_, versionId, _) = await bucket.UploadAsync(key, path, Convert.ToBase64String(digest), progress: null, cancellationToken);
            var url = bucket.ObjectUrl(key);
            return new TemplateSource(null, versionId is null ? url : new Uri($"{url}?versionId={Uri.EscapeDataString(versionId)}"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>What an interrupted run leaves, in one line; an unexecuted change set of this run is deleted first.</summary>
    private async Task<string> InterruptedAsync()
    {
        if (_executing is { } executing)
        {
            return $"Interrupted while {_phase}: CloudFormation goes on with it. Run the same deploy again to follow it to its end " +
                $"(it waits for the running operation), or watch it with `aws cloudformation describe-stack-events --stack-name {executing.Stack}`.";
        }

        if (_unexecuted is { } unexecuted && _cloudFormation is { } cloudFormation)
        {
            try
            {
                using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await cloudFormation.DeleteChangeSetAsync(unexecuted.Stack, unexecuted.ChangeSet, cleanup.Token);
                return $"Interrupted while {_phase}: the change set was deleted and nothing was executed.";
            }
            catch (Exception error) when (error is AwsServiceException or HttpRequestException or OperationCanceledException)
            {
                return $"Interrupted while {_phase}: change set {unexecuted.ChangeSet} may be left unexecuted; the next deploy replaces it.";
            }
        }

        return $"Interrupted while {_phase}: nothing in AWS was changed.";
    }
}
