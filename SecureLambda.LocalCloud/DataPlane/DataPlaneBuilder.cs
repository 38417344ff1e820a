using SecureLambda.CloudFormation;
using SecureLambda.CloudFormation.Properties;
using SecureLambda.LocalCloud.Cognito;
using SecureLambda.LocalCloud.Iam;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.DataPlane;

/// <summary>
/// Builds the <see cref="DataPlaneModel"/> from the provisioned stack, without a host. A template the data plane cannot
/// serve exactly throws with the reason: it fails loudly where other emulators drop what they do not understand.
/// </summary>
public static class DataPlaneBuilder
{
    public static DataPlaneModel Build(ProvisionedStack stack, TimeProvider timeProvider, IamMode iam = IamMode.Enforce)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var functions = Functions(stack);
        var builtAt = timeProvider.GetUtcNow();
        var usagePlans = UsagePlanBuilder.Build(stack, builtAt);
        return new DataPlaneModel(GatewayStageBuilder.Build(stack, timeProvider, usagePlans), functions, SnsLambdaRoutes(stack))
        {
            BuiltAt = builtAt,
            UsagePlans = usagePlans,
            Policies = iam == IamMode.Off ? StackPolicies.None : Policies(stack, functions),
            Cognito = CognitoRules.Build(stack, timeProvider),
        };
    }

    /// <summary>
    /// The stack's policies, every one parsed. A function's role must be one of the stack's, with every policy's
    /// statements in the template; otherwise LocalCloud stops, since what the function may call cannot be known.
    /// </summary>
    private static StackPolicies Policies(ProvisionedStack stack, IReadOnlyList<LambdaFunctionDefinition> functions)
    {
        var policies = StackPolicies.Build(stack);
        foreach (var function in functions)
        {
            var reason = policies.FindRole(function.Role) switch
            {
                null => $"Its Role {function.Role ?? "(none)"} is not an AWS::IAM::Role of the stack, so LocalCloud cannot know what it may call.",
                { ExternalPolicies: [var first, ..] } role => $"Its role {role.LogicalId} has the managed policy {first}, whose statements are not in the template, so LocalCloud cannot evaluate it. Write them inline.",
                _ => null,
            };
            if (reason is not null)
            {
                throw new UnsupportedTemplateException(function.LogicalId, "AWS::Lambda::Function", $"{reason} Or run with {IamOptions.Section}:Mode=Off.");
            }
        }

        return policies;
    }

    /// <summary>
    /// Each function with its timeout and, from its EventInvokeConfig and DeadLetterConfig, what happens to its failed
    /// asynchronous events. A destination other than one of the stack's SQS queues stops LocalCloud with the reason.
    /// </summary>
    public static IReadOnlyList<LambdaFunctionDefinition> Functions(ProvisionedStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var queues = StackQueues(stack);
        AsyncFailureTarget? Queue(string? arn, ProvisionedResource resource, string what) => StackQueue(queues, arn, resource.LogicalId, resource.Type, what);

        var configs = stack.OfType("AWS::Lambda::EventInvokeConfig").Where(config => config.GetString("FunctionName") is not null).ToList();
        var functions = new List<LambdaFunctionDefinition>();
        foreach (var function in stack.OfType("AWS::Lambda::Function"))
        {
            var config = configs.FirstOrDefault(config => EventInvokeConfigs.NamesFunction(config.GetString("FunctionName")!, function.PhysicalId));
            var configProperties = config?.TypedProperties;
            functions.Add(Function(function) with
            {
                MaximumRetryAttempts = configProperties?.OptionalInt("MaximumRetryAttempts") ?? EventInvokeConfigs.DefaultMaximumRetryAttempts,
                MaximumEventAge = configProperties?.OptionalInt("MaximumEventAgeInSeconds") is { } age
                    ? TimeSpan.FromSeconds(age)
                    : LambdaFunctionDefinition.DefaultMaximumEventAge,
                OnFailure = Queue(configProperties?.OptionalObject("DestinationConfig")?.OptionalObject("OnFailure")?.OptionalString("Destination"), config ?? function, $"The on-failure destination of {function.LogicalId},"),
                DeadLetter = Queue(function.TypedProperties.OptionalObject("DeadLetterConfig")?.OptionalString("TargetArn"), function, $"The dead-letter queue of {function.LogicalId},"),
            });
        }

        return functions;
    }

    /// <summary>
    /// A function as its own resource defines it: its names, code settings and environment, without what other
    /// resources of the stack add (its EventInvokeConfig, the queues its failed events go to).
    /// </summary>
    public static LambdaFunctionDefinition Function(ProvisionedResource function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var properties = function.TypedProperties;
        var timeout = properties.OptionalDouble("Timeout") is { } seconds
            ? TimeSpan.FromSeconds(seconds)
            : LambdaFunctionDefinition.DefaultTimeout;
        return new LambdaFunctionDefinition(function.LogicalId, function.PhysicalId, function.Attributes["Arn"].GetValue<string>(), timeout)
        {
            Handler = properties.OptionalString("Handler"),
            Runtime = properties.OptionalString("Runtime"),
            MemorySize = properties.OptionalInt("MemorySize") ?? LambdaFunctionDefinition.DefaultMemorySize,
            Role = properties.OptionalString("Role"),
            ReservedConcurrency = properties.OptionalInt("ReservedConcurrentExecutions"),
            Environment = EnvironmentVariables(properties),
        };
    }

    /// <summary>Each lambda subscription, with its dead-letter queue, which must be one of the stack's.</summary>
    private static IReadOnlyList<SnsLambdaRoute> SnsLambdaRoutes(ProvisionedStack stack)
    {
        var queues = StackQueues(stack);
        return
        [
            .. stack.LambdaSubscriptions.Select(subscription => new SnsLambdaRoute(
                subscription,
                StackQueue(queues, subscription.DeadLetterArn, subscription.LogicalId, SnsSubscriptionProvisioner.Type, $"The dead-letter queue of {subscription.LogicalId},"))),
        ];
    }

    private static Dictionary<string, string> StackQueues(ProvisionedStack stack) =>
        stack.OfType("AWS::SQS::Queue")
            .Where(queue => queue.Attributes.ContainsKey("Arn") && queue.Attributes.ContainsKey("QueueUrl"))
            .ToDictionary(queue => queue.Attributes["Arn"].GetValue<string>(), queue => queue.Attributes["QueueUrl"].GetValue<string>(), StringComparer.Ordinal);

    private static AsyncFailureTarget? StackQueue(Dictionary<string, string> queues, string? arn, string logicalId, string type, string what) => arn is null ? null
        : queues.TryGetValue(arn, out var url) ? new AsyncFailureTarget(arn, url)
        : throw new UnsupportedTemplateException(logicalId, type, $"{what} {arn} is not an SQS queue of the stack; LocalCloud delivers failed asynchronous events only to the stack's own queues.");

    /// <summary><c>Environment.Variables</c>, each a string once resolved, as Lambda requires.</summary>
    private static Dictionary<string, string> EnvironmentVariables(ResourceProperties properties)
    {
        var variables = properties.OptionalObject("Environment")?.OptionalObject("Variables");
        return variables is null
            ? []
            : variables.Json.ToDictionary(variable => variable.Key, variable => variables.RequiredString(variable.Key), StringComparer.Ordinal);
    }
}
