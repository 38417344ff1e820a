namespace SecureLambda.Aws.CloudFormation;

/// <summary>What <c>DescribeStacks</c> says about one stack.</summary>
public sealed record StackDescription(
    string StackId,
    string StackName,
    string Status,
    string? StatusReason,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyDictionary<string, string> Outputs,
    bool TerminationProtection = false)
{
    public IReadOnlyCollection<string> ParameterKeys => Parameters.Keys.ToList();
}

/// <summary>One entry of <c>ListChangeSets</c>.</summary>
public sealed record ChangeSetSummaryEntry(string ChangeSetName, string StackName, string Status, string? ExecutionStatus, DateTimeOffset CreationTime);

/// <summary>One row of a change set: what CloudFormation will do to one resource.</summary>
public sealed record ResourceChange(string Action, string LogicalResourceId, string ResourceType, string? Replacement);

/// <summary>What <c>DescribeChangeSet</c> says, all pages of changes together.</summary>
public sealed record ChangeSetDescription(
    string ChangeSetId,
    string ChangeSetName,
    string StackId,
    string Status,
    string? StatusReason,
    string? ExecutionStatus,
    IReadOnlyList<ResourceChange> Changes);

/// <summary>One entry of <c>DescribeStackEvents</c>.</summary>
public sealed record StackEvent(
    string EventId,
    DateTimeOffset Timestamp,
    string LogicalResourceId,
    string ResourceType,
    string ResourceStatus,
    string? ResourceStatusReason);

/// <summary>The input of <c>CreateChangeSet</c>.</summary>
public sealed record ChangeSetRequest(
    string StackName,
    string ChangeSetName,
    bool IsCreate,
    TemplateSource Template,
    IReadOnlyList<KeyValuePair<string, string>> Parameters);

/// <summary>
/// The template inline (<c>TemplateBody</c>), by S3 URL (<c>TemplateURL</c>), or the stack's own
/// (<c>UsePreviousTemplate</c>), exactly one of them.
/// </summary>
public sealed record TemplateSource(string? Body, Uri? Url)
{
    /// <summary>The stack's current template, for an update whose template has not changed.</summary>
    public static TemplateSource Previous { get; } = new(null, null);

    public bool IsPrevious => Body is null && Url is null;

    /// <summary>CloudFormation's limit on <c>TemplateBody</c>; larger templates must go through S3
    /// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).</summary>
    public const int MaxBodyBytes = 51_200;
}
