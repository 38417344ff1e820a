namespace SecureLambda.LocalCloud.Lambda;

/// <summary>A function of the stack as the local Lambda needs it: how it is named and how long it may run.</summary>
/// <param name="Timeout">The function's <c>Timeout</c> (CloudFormation's default is 3 seconds).</param>
/// <param name="MaximumRetryAttempts">Retries of an asynchronous invocation (EventInvokeConfig; AWS's default is 2).</param>
public sealed record LambdaFunctionDefinition(
    string LogicalId,
    string FunctionName,
    string Arn,
    TimeSpan Timeout,
    int MaximumRetryAttempts = 2)
{
    /// <summary>https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-function.html#cfn-lambda-function-timeout</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);
}
