using System.Text.Json.Serialization;

namespace SecureLambda.Aws.LocalCloud;

/// <summary>
/// LocalCloud's own view of the stack it emulates, as <c>GET /_localcloud/stack</c> serves it: every resource it
/// created or stands in for, and each function's execution environments as its Runtime API sees them. LocalCloud
/// writes it and <see cref="LocalCloudClient"/> reads it, so the shape is written once. The resource fields carry
/// CloudFormation's names (<c>StackResourceSummary</c>,
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackResourceSummary.html); the function
/// fields have no AWS counterpart, since Lambda shows its environments only as CloudWatch metrics.
/// </summary>
/// <param name="StackStatus">CloudFormation's words: <c>CREATE_IN_PROGRESS</c>, <c>CREATE_COMPLETE</c> or <c>CREATE_FAILED</c>.</param>
/// <param name="StackStatusReason">Why provisioning failed; null otherwise.</param>
/// <param name="Outputs">The stack's outputs, resolved as CloudFormation resolves them (the API's URL points at LocalCloud).</param>
/// <param name="DevUsers">The developer accounts LocalCloud made in the pools; never their passwords.</param>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A CloudFormation stack, not a stack collection.")]
public sealed record EmulatedStack(
    string StackName,
    string StackStatus,
    string? StackStatusReason,
    IReadOnlyList<StackResourceStatus> Resources,
    IReadOnlyDictionary<string, string> Outputs,
    IReadOnlyList<StackDevUser> DevUsers,
    IReadOnlyList<FunctionRuntimeStatus> Functions)
{
    public const string InProgress = "CREATE_IN_PROGRESS";
    public const string Complete = "CREATE_COMPLETE";
    public const string Failed = "CREATE_FAILED";

    /// <summary>A stack with nothing provisioned yet (<see cref="InProgress"/>) or nothing provisioned at all (<see cref="Failed"/>, with why).</summary>
    public static EmulatedStack Unprovisioned(string stackName, string status, string? reason = null) =>
        new(stackName, status, reason, [], new Dictionary<string, string>(), [], []);

    /// <summary>The dev API keys LocalCloud gave the stack's keys, with their (known, local) values; empty for a stack without keys.</summary>
    public IReadOnlyList<StackDevApiKey> DevApiKeys { get; init; } = [];

    /// <summary>IAM's decisions since LocalCloud started, on each role's calls and each function's invocations; empty with IAM off.</summary>
    public IReadOnlyList<IamDecisionCounts> IamDecisions { get; init; } = [];
}

/// <summary>
/// How IAM decided the calls made with one role of the stack, or the invocations of one function (by its resource
/// policy), and the last deny's message as AWS writes it.
/// </summary>
public sealed record IamDecisionCounts(string LogicalResourceId, long Allowed, long Denied, string? LastDenied);

/// <summary>One resource of the provisioned stack.</summary>
/// <param name="PhysicalResourceId">What <c>Ref</c> returns for it: a name, an id, an ARN or a queue URL, by type.</param>
/// <param name="Arn">Its ARN when the type has one and it differs from the physical id's form (<c>Fn::GetAtt … Arn</c>).</param>
/// <param name="Emulation">How LocalCloud stands in for the type: <c>ProvisionedInEngine</c>, <c>SynthesizedByLocalCloud</c> or <c>Skipped</c>.</param>
/// <param name="EmulationReason">The resource-type catalog's reason for that.</param>
public sealed record StackResourceStatus(
    string LogicalResourceId,
    string ResourceType,
    string PhysicalResourceId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Arn,
    string Emulation,
    string EmulationReason);

/// <summary>A developer account in one of the stack's user pools, with the app client it signs in through.</summary>
/// <param name="UserPool">The logical id of its <c>AWS::Cognito::UserPool</c>.</param>
public sealed record StackDevUser(string Email, string UserPool, string UserPoolId, string ClientId);

/// <summary>A dev API key: the key's logical id, its id (what <c>aws apigateway get-api-key --api-key</c> takes) and its value.</summary>
public sealed record StackDevApiKey(string LogicalResourceId, string Id, string Name, string Value);

/// <summary>One function's execution environments, as its Runtime API sees them right now.</summary>
/// <param name="IdleEnvironments">Processes waiting on <c>GET …/invocation/next</c>.</param>
/// <param name="RunningInvocations">Events a process has taken and not yet answered.</param>
/// <param name="QueuedInvocations">Events waiting for a process to take them.</param>
/// <param name="Invocations">Events handed to a process since LocalCloud started.</param>
/// <param name="InitErrors">Init errors the function's processes reported (<c>POST …/init/error</c>).</param>
/// <param name="LastInitError">The error type of the last init error, while no process has polled since; null once one does.</param>
/// <param name="HasPolled">Whether any process of the function has asked for an event yet.</param>
public sealed record FunctionRuntimeStatus(
    string LogicalResourceId,
    string FunctionName,
    bool HasPolled,
    int IdleEnvironments,
    int RunningInvocations,
    int QueuedInvocations,
    long Invocations,
    long InitErrors,
    string? LastInitError)
{
    /// <summary>Invocations the function answered with a response since LocalCloud started.</summary>
    public long SucceededInvocations { get; init; }
}

[JsonSerializable(typeof(EmulatedStack))]
public sealed partial class LocalCloudJsonContext : JsonSerializerContext;
