using SecureLambda.LocalCloud.AwsEndpoint;

namespace SecureLambda.LocalCloud.Iam;

/// <summary>What IAM authorizes an operation on: its action, as the service writes it, and the resource's ARN.</summary>
public sealed record IamTarget(string Action, string Resource);

/// <summary>
/// Maps an operation of the stack's services to the IAM action and resource AWS authorizes it on, from the Service
/// Authorization Reference. The action is named as the service names it in its access-denied messages (SNS writes
/// <c>SNS:Publish</c>; IAM compares actions case-insensitively). An operation not listed here is one LocalCloud cannot
/// evaluate: the caller denies it and says so, never allows it.
/// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
/// </summary>
public static class IamActions
{
    /// <summary>
    /// Operations that need no permission at all: "No permissions are required to perform this operation."
    /// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
    /// </summary>
    public static bool NeedsNoPermission(AwsServiceCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call is { Service: "sts", Operation: "GetCallerIdentity" };
    }

    /// <summary>The action and resource of <paramref name="call"/>, reading its parameters; null when LocalCloud cannot map it.</summary>
    /// <param name="parameter">A top-level request parameter (a JSON member or a form field), or null.</param>
    public static IamTarget? Map(AwsServiceCall call, Func<string, string?> parameter, StackPolicies stack)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(stack);
        if (call.Operation is not { } operation)
        {
            return null;
        }

        return call.Service switch
        {
            // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
            AwsServiceCall.SecretsManager => operation switch
            {
                "ListSecrets" or "GetRandomPassword" or "BatchGetSecretValue" => new($"secretsmanager:{operation}", "*"),
                _ when parameter("SecretId") is { Length: > 0 } secretId => new($"secretsmanager:{operation}", stack.SecretArn(secretId)),
                _ => null,
            },

            // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html
            AwsServiceCall.Sns => operation switch
            {
                "ListTopics" or "ListSubscriptions" or "CreatePlatformApplication" or "ListPlatformApplications" or "CheckIfPhoneNumberIsOptedOut"
                    or "GetSMSAttributes" or "SetSMSAttributes" or "ListPhoneNumbersOptedOut" => new($"SNS:{operation}", "*"),
                "Publish" when parameter("PhoneNumber") is { Length: > 0 } => new("SNS:Publish", "*"),
                _ when (parameter("TopicArn") ?? parameter("TargetArn")) is { Length: > 0 } arn => new($"SNS:{operation}", arn),
                "CreateTopic" when parameter("Name") is { Length: > 0 } name => new("SNS:CreateTopic", $"arn:aws:sns:{stack.Region}:{stack.Account}:{name}"),
                _ => null,
            },

            // Batch operations are authorized as their single action.
            // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html
            AwsServiceCall.Sqs => operation switch
            {
                "ListQueues" => new("sqs:ListQueues", "*"),
                "GetQueueUrl" or "CreateQueue" when parameter("QueueName") is { Length: > 0 } name => new($"sqs:{operation}", $"arn:aws:sqs:{stack.Region}:{stack.Account}:{name}"),
                _ when parameter("QueueUrl") is { Length: > 0 } url && QueueArn(url, stack) is { } arn => new($"sqs:{SingleAction(operation)}", arn),
                _ => null,
            },

            // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncognitouserpools.html
            AwsServiceCall.CognitoIdentityProvider => parameter("UserPoolId") is { Length: > 0 } pool
                ? new($"cognito-idp:{operation}", $"arn:aws:cognito-idp:{stack.Region}:{stack.Account}:userpool/{pool}")
                : operation == "ListUserPools" ? new("cognito-idp:ListUserPools", "*") : null,
            _ => null,
        };
    }

    /// <summary><c>https://host/{account}/{name}</c> is <c>arn:aws:sqs:{region}:{account}:{name}</c>.</summary>
    private static string? QueueArn(string queueUrl, StackPolicies stack) =>
        Uri.TryCreate(queueUrl, UriKind.Absolute, out var url) && url.AbsolutePath.Trim('/').Split('/') is [var account, var name]
            ? $"arn:aws:sqs:{stack.Region}:{account}:{name}"
            : null;

    private static string SingleAction(string operation) =>
        operation.EndsWith("Batch", StringComparison.Ordinal) ? operation[..^"Batch".Length] : operation;
}
