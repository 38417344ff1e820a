using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.DataPlane;

/// <summary>A function of the stack as the local Lambda needs it: how it is named, how long it may run, and where its failed asynchronous events go.</summary>
/// <param name="Timeout">The function's <c>Timeout</c> (CloudFormation's default is 3 seconds).</param>
/// <param name="MaximumRetryAttempts">Retries of an asynchronous invocation (EventInvokeConfig; <see cref="EventInvokeConfigs.DefaultMaximumRetryAttempts"/> by default).</param>
public sealed record LambdaFunctionDefinition(
    string LogicalId,
    string FunctionName,
    string Arn,
    TimeSpan Timeout,
    int MaximumRetryAttempts = EventInvokeConfigs.DefaultMaximumRetryAttempts)
{
    /// <summary>https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-function.html#cfn-lambda-function-timeout</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    /// <summary>EventInvokeConfig's default <c>MaximumEventAgeInSeconds</c>.</summary>
    public static readonly TimeSpan DefaultMaximumEventAge = TimeSpan.FromSeconds(EventInvokeConfigs.DefaultMaximumEventAgeSeconds);

    /// <summary>How old an asynchronous event may grow before Lambda stops retrying it (<c>MaximumEventAgeInSeconds</c>).</summary>
    public TimeSpan MaximumEventAge { get; init; } = DefaultMaximumEventAge;

    /// <summary>EventInvokeConfig's <c>DestinationConfig.OnFailure</c>: the queue that gets the invocation record.</summary>
    public AsyncFailureTarget? OnFailure { get; init; }

    /// <summary>The function's <c>DeadLetterConfig.TargetArn</c>: used when there is no on-failure destination.</summary>
    public AsyncFailureTarget? DeadLetter { get; init; }

    /// <summary><c>Handler</c>: what the runtime runs (for <c>provided.al2023</c>, the bootstrap reads it as <c>_HANDLER</c>).</summary>
    public string? Handler { get; init; }

    /// <summary><c>Runtime</c>, such as <c>provided.al2023</c>.</summary>
    public string? Runtime { get; init; }

    /// <summary><c>MemorySize</c> in MB; AWS's default is 128.</summary>
    public int MemorySize { get; init; } = DefaultMemorySize;

    /// <summary><c>Role</c>: the execution role's ARN, as the template resolves it.</summary>
    public string? Role { get; init; }

    /// <summary>
    /// <c>ReservedConcurrentExecutions</c>: the most invocations that may run at once, past which Lambda throttles;
    /// null when the function draws on the account's unreserved concurrency.
    /// https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
    /// </summary>
    public int? ReservedConcurrency { get; init; }

    /// <summary><c>Environment.Variables</c>, resolved: a <c>!Ref</c> to a secret is the secret's ARN in the engine.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-function.html#cfn-lambda-function-memorysize</summary>
    public const int DefaultMemorySize = 128;

    /// <summary>
    /// Whether a name, an ARN (optionally qualified with <c>:$LATEST</c>, the only version a function of the stack has)
    /// or a logical id refers to this function.
    /// </summary>
    public bool IsNamedBy(string nameOrArn)
    {
        var key = Unqualified(nameOrArn);
        return key == FunctionName || key == Arn || key == LogicalId;
    }

    /// <summary><paramref name="nameOrArn"/> without the <c>:$LATEST</c> qualifier.</summary>
    public static string Unqualified(string nameOrArn)
    {
        ArgumentNullException.ThrowIfNull(nameOrArn);
        return nameOrArn.EndsWith(LatestQualifier, StringComparison.Ordinal) ? nameOrArn[..^LatestQualifier.Length] : nameOrArn;
    }

    private const string LatestQualifier = ":$LATEST";
}

/// <summary>An SQS queue of the stack that failed asynchronous events are written to.</summary>
public sealed record AsyncFailureTarget(string Arn, string QueueUrl);
