using System.Globalization;
using System.Xml.Linq;
using SecureLambda.Aws.Core;
using SecureLambda.Aws.Protocols;

namespace SecureLambda.Aws.CloudFormation;

/// <summary>
/// The few CloudFormation actions the deployer calls, over the Query protocol (API version 2010-05-15;
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/). NuGet here does not serve AWSSDK.CloudFormation,
/// and this is all the deploy tool needs of it.
/// </summary>
public sealed class CloudFormationClient(AwsQueryProtocolClient query)
{
    public const string ApiVersion = "2010-05-15";

    public CloudFormationClient(HttpClient http, AwsClientContext context)
        : this(new AwsQueryProtocolClient(http, context, AwsServiceDescriptor.CloudFormation, ApiVersion))
    {
    }

    /// <summary>The stack, or null when CloudFormation says it does not exist (a deleted stack, looked up by name).</summary>
    public async Task<StackDescription?> DescribeStackAsync(string stackName, CancellationToken cancellationToken)
    {
        XElement result;
        try
        {
            result = await query.CallAsync("DescribeStacks", [new("StackName", stackName)], cancellationToken);
        }
        catch (AwsServiceException error) when (IsStackMissing(error))
        {
            return null;
        }

        var stack = Members(result, "Stacks").FirstOrDefault();
        return stack is null ? null : ParseStack(stack);
    }

    /// <summary>
    /// The template the stack was last created or updated with, as it was submitted (<c>GetTemplate</c> with
    /// <c>TemplateStage=Original</c>); null for a stack that does not exist.
    /// </summary>
    public async Task<string?> GetOriginalTemplateAsync(string stackName, CancellationToken cancellationToken)
    {
        try
        {
            var result = await query.CallAsync("GetTemplate", [new("StackName", stackName), new("TemplateStage", "Original")], cancellationToken);
            return Value(result, "TemplateBody");
        }
        catch (AwsServiceException error) when (IsStackMissing(error))
        {
            return null;
        }
    }

    public async Task<(string ChangeSetId, string StackId)> CreateChangeSetAsync(ChangeSetRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<KeyValuePair<string, string>> form =
        [
            new("StackName", request.StackName),
            new("ChangeSetName", request.ChangeSetName),
            new("ChangeSetType", request.IsCreate ? "CREATE" : "UPDATE"),
            // The template creates IAM roles without custom names, which CAPABILITY_IAM (not _NAMED_IAM) acknowledges.
            new("Capabilities.member.1", "CAPABILITY_IAM"),
            request.Template switch
            {
                { IsPrevious: true } => new("UsePreviousTemplate", "true"),
                { Url: { } url } => new("TemplateURL", url.ToString()),
                _ => new("TemplateBody", request.Template.Body!),
            },
            .. request.Parameters,
            new("Description", "SecureLambda.Deploy"),
        ];
        var result = await query.CallAsync("CreateChangeSet", form, cancellationToken);
        return (Value(result, "Id") ?? "", Value(result, "StackId") ?? "");
    }

    public async Task<ChangeSetDescription> DescribeChangeSetAsync(string stackName, string changeSetName, CancellationToken cancellationToken)
    {
        var changes = new List<ResourceChange>();
        string? nextToken = null;
        XElement result;
        do
        {
            List<KeyValuePair<string, string>> form = [new("StackName", stackName), new("ChangeSetName", changeSetName)];
            if (nextToken is not null)
            {
                form.Add(new("NextToken", nextToken));
            }

            result = await query.CallAsync("DescribeChangeSet", form, cancellationToken);
            changes.AddRange(ParseChanges(result));
            nextToken = Value(result, "NextToken");
        }
        while (!string.IsNullOrEmpty(nextToken));

        return ParseChangeSet(result) with { Changes = changes };
    }

    public Task ExecuteChangeSetAsync(string stackName, string changeSetName, CancellationToken cancellationToken) =>
        query.CallAsync("ExecuteChangeSet", [new("StackName", stackName), new("ChangeSetName", changeSetName)], cancellationToken);

    public Task DeleteChangeSetAsync(string stackName, string changeSetName, CancellationToken cancellationToken) =>
        query.CallAsync("DeleteChangeSet", [new("StackName", stackName), new("ChangeSetName", changeSetName)], cancellationToken);

    public Task DeleteStackAsync(string stackName, CancellationToken cancellationToken) =>
        query.CallAsync("DeleteStack", [new("StackName", stackName)], cancellationToken);

    /// <summary>https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateTerminationProtection.html</summary>
    public Task UpdateTerminationProtectionAsync(string stackName, bool enabled, CancellationToken cancellationToken) =>
        query.CallAsync(
            "UpdateTerminationProtection",
            [new("StackName", stackName), new("EnableTerminationProtection", enabled ? "true" : "false")],
            cancellationToken);

    /// <summary>
    /// Takes a stack out of <c>UPDATE_ROLLBACK_FAILED</c> back to <c>UPDATE_ROLLBACK_COMPLETE</c>, from where it can be
    /// updated again (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ContinueUpdateRollback.html).
    /// </summary>
    public Task ContinueUpdateRollbackAsync(string stackName, CancellationToken cancellationToken) =>
        query.CallAsync("ContinueUpdateRollback", [new("StackName", stackName)], cancellationToken);

    /// <summary>The stack's change sets, every page.</summary>
    public async Task<IReadOnlyList<ChangeSetSummaryEntry>> ListChangeSetsAsync(string stackName, CancellationToken cancellationToken)
    {
        var entries = new List<ChangeSetSummaryEntry>();
        string? nextToken = null;
        do
        {
            List<KeyValuePair<string, string>> form = [new("StackName", stackName)];
            if (nextToken is not null)
            {
                form.Add(new("NextToken", nextToken));
            }

            XElement result;
            try
            {
                result = await query.CallAsync("ListChangeSets", form, cancellationToken);
            }
            catch (AwsServiceException error) when (IsStackMissing(error))
            {
                return [];
            }

            entries.AddRange(Members(result, "Summaries").Select(summary => new ChangeSetSummaryEntry(
                Value(summary, "ChangeSetName") ?? "",
                Value(summary, "StackName") ?? "",
                Value(summary, "Status") ?? "",
                Value(summary, "ExecutionStatus"),
                DateTimeOffset.TryParse(Value(summary, "CreationTime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created) ? created : default)));
            nextToken = Value(result, "NextToken");
        }
        while (!string.IsNullOrEmpty(nextToken));

        // moto lists every stack's change sets whatever StackName says; AWS lists only this stack's.
        return entries.Where(entry => entry.StackName == stackName).ToList();
    }

    /// <summary>One page of events, newest first as CloudFormation returns them; an empty page for a stack that is gone.</summary>
    public async Task<(IReadOnlyList<StackEvent> Events, string? NextToken)> DescribeStackEventsAsync(
        string stackName,
        string? nextToken,
        CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> form = [new("StackName", stackName)];
        if (nextToken is not null)
        {
            form.Add(new("NextToken", nextToken));
        }

        try
        {
            var result = await query.CallAsync("DescribeStackEvents", form, cancellationToken);
            return (Members(result, "StackEvents").Select(ParseEvent).ToList(), Value(result, "NextToken"));
        }
        catch (AwsServiceException error) when (IsStackMissing(error))
        {
            return ([], null);
        }
    }

    /// <summary>
    /// CloudFormation answers a lookup of a missing stack with <c>ValidationError</c> "Stack with id X does not exist"; there
    /// is no dedicated code to match on.
    /// </summary>
    internal static bool IsStackMissing(AwsServiceException error) =>
        error.ErrorCode == "ValidationError" && error.AwsMessage.Contains("does not exist", StringComparison.Ordinal);

    /// <summary>
    /// A change set with nothing to do. AWS creates it and FAILs it with "The submitted information didn't contain
    /// changes" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets-create.html);
    /// moto refuses CreateChangeSet at once with ValidationError "No updates are to be performed.".
    /// </summary>
    public static bool MeansNoChanges(string? reason) =>
        reason is not null &&
        (reason.Contains("didn't contain changes", StringComparison.Ordinal) || reason.Contains("No updates are to be performed", StringComparison.Ordinal));

    internal static StackDescription ParseStack(XElement stack) => new(
        Value(stack, "StackId") ?? "",
        Value(stack, "StackName") ?? "",
        Value(stack, "StackStatus") ?? "",
        Value(stack, "StackStatusReason"),
        Members(stack, "Parameters").ToDictionary(parameter => Value(parameter, "ParameterKey") ?? "", parameter => Value(parameter, "ParameterValue") ?? "", StringComparer.Ordinal),
        Members(stack, "Outputs").ToDictionary(output => Value(output, "OutputKey") ?? "", output => Value(output, "OutputValue") ?? "", StringComparer.Ordinal),
        string.Equals(Value(stack, "EnableTerminationProtection"), "true", StringComparison.OrdinalIgnoreCase));

    internal static ChangeSetDescription ParseChangeSet(XElement result) => new(
        Value(result, "ChangeSetId") ?? "",
        Value(result, "ChangeSetName") ?? "",
        Value(result, "StackId") ?? "",
        Value(result, "Status") ?? "",
        Value(result, "StatusReason"),
        Value(result, "ExecutionStatus"),
        ParseChanges(result));

    internal static IReadOnlyList<ResourceChange> ParseChanges(XElement result) =>
        Members(result, "Changes")
            .Select(change => Child(change, "ResourceChange"))
            .OfType<XElement>()
            .Select(change => new ResourceChange(
                Value(change, "Action") ?? "",
                Value(change, "LogicalResourceId") ?? "",
                Value(change, "ResourceType") ?? "",
                Value(change, "Replacement")))
            .ToList();

    internal static StackEvent ParseEvent(XElement stackEvent) => new(
        Value(stackEvent, "EventId") ?? "",
        DateTimeOffset.TryParse(Value(stackEvent, "Timestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : default,
        Value(stackEvent, "LogicalResourceId") ?? "",
        Value(stackEvent, "ResourceType") ?? "",
        Value(stackEvent, "ResourceStatus") ?? "",
        Value(stackEvent, "ResourceStatusReason"));

    private static XElement? Child(XElement parent, string localName) =>
        parent.Elements().FirstOrDefault(element => element.Name.LocalName == localName);

    private static string? Value(XElement parent, string localName) => Child(parent, localName)?.Value;

    private static IEnumerable<XElement> Members(XElement parent, string listName) =>
        Child(parent, listName)?.Elements().Where(element => element.Name.LocalName == "member") ?? [];
}
