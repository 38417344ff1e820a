namespace SecureLambda.LocalCloud.Provisioning;

/// <summary>
/// What an <c>AWS::Lambda::EventInvokeConfig</c> means, written once for provisioning (the engine queue's receive count)
/// and the data plane (the function's retries, event age and destinations).
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-eventinvokeconfig.html
/// </summary>
public static class EventInvokeConfigs
{
    /// <summary>Lambda's default <c>MaximumRetryAttempts</c> of an asynchronous invocation: 1 attempt plus 2 retries.</summary>
    public const int DefaultMaximumRetryAttempts = 2;

    /// <summary>Lambda's default <c>MaximumEventAgeInSeconds</c>: six hours.</summary>
    public const int DefaultMaximumEventAgeSeconds = 21600;

    /// <summary>
    /// The function a <c>FunctionName</c> names. AWS takes a name (<c>my-function</c>), a name with a qualifier
    /// (<c>my-function:v1</c>), an ARN (<c>arn:aws:lambda:us-east-2:123456789012:function:my-function[:qualifier]</c>) or
    /// a partial ARN (<c>123456789012:function:my-function</c>); each names <c>my-function</c>.
    /// </summary>
    public static string FunctionNameOf(string nameOrArn)
    {
        ArgumentNullException.ThrowIfNull(nameOrArn);
        var parts = nameOrArn.Split(':');
        var function = Array.IndexOf(parts, "function");
        return function >= 0 && function + 1 < parts.Length ? parts[function + 1] : parts[0];
    }

    /// <summary>Whether a config's <c>FunctionName</c> names the function whose physical name is <paramref name="functionName"/>.</summary>
    public static bool NamesFunction(string functionNameProperty, string functionName) =>
        string.Equals(FunctionNameOf(functionNameProperty), functionName, StringComparison.Ordinal);
}
