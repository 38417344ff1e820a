using SecureLambda.LocalCloud.ApiGateway.UsagePlans;
using SecureLambda.LocalCloud.Cognito;
using SecureLambda.LocalCloud.Iam;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.DataPlane;

/// <summary>
/// Everything the data plane serves, read once from the provisioned stack: the API stages with their routes, the
/// functions with their asynchronous-invocation settings, the SNS → Lambda subscriptions, and the IAM policies. Immutable: a stack
/// provisioned again yields a new model (<see cref="DataPlaneState.Replace"/>), never an edited one.
/// </summary>
public sealed class DataPlaneModel
{
    private readonly Dictionary<string, ServedStage> _stages;

    public DataPlaneModel(IEnumerable<GatewayStage> stages, IEnumerable<LambdaFunctionDefinition> functions, IEnumerable<SnsLambdaRoute> subscriptions)
    {
        _stages = stages.ToDictionary(stage => stage.StageName, stage => new ServedStage(stage, new RouteTable(stage.Resources)), StringComparer.Ordinal);
        Functions = [.. functions];
        Subscriptions = [.. subscriptions];
    }

    public IReadOnlyCollection<ServedStage> Stages => _stages.Values;

    public IReadOnlyList<LambdaFunctionDefinition> Functions { get; }

    /// <summary>The stack's function with the logical id, which a role session or a subscription of the stack names.</summary>
    public LambdaFunctionDefinition Function(string logicalId) => Functions.First(function => function.LogicalId == logicalId);

    /// <summary>Each <c>AWS::SNS::Subscription</c> with protocol <c>lambda</c>, which LocalCloud delivers.</summary>
    public IReadOnlyList<SnsLambdaRoute> Subscriptions { get; }

    /// <summary>The lambda subscriptions of a topic, in template order.</summary>
    public IEnumerable<SnsLambdaRoute> SubscriptionsOf(string topicArn) =>
        Subscriptions.Where(route => string.Equals(route.Subscription.TopicArn, topicArn, StringComparison.Ordinal));

    /// <summary>The stack's IAM policies, which the functions' calls are decided by (none with <c>LocalCloud:Iam:Mode=Off</c>).</summary>
    public StackPolicies Policies { get; init; } = StackPolicies.None;

    /// <summary>When the model was built from the provisioned stack: the creation date API Gateway's reads give its API, stages and keys.</summary>
    public DateTimeOffset BuiltAt { get; init; }

    /// <summary>The stack's API keys and usage plans, as the gateway applies them and <c>apigateway</c>'s reads list them.</summary>
    public UsagePlanCatalog UsagePlans { get; init; } = UsagePlanCatalog.None;

    /// <summary>The user pools' rules the engine ignores, which the AWS endpoint enforces on the way to it.</summary>
    public CognitoRules Cognito { get; init; } = CognitoRules.None;

    /// <summary>The stage served under <c>/{stageName}/…</c>, or null.</summary>
    public ServedStage? FindStage(string stageName) => _stages.GetValueOrDefault(stageName);
}

/// <summary>A lambda subscription with the queue, one of the stack's, that takes what SNS cannot hand to Lambda.</summary>
public sealed record SnsLambdaRoute(LambdaSubscription Subscription, AsyncFailureTarget? DeadLetter = null);

/// <summary>A stage with the route table its requests are matched against.</summary>
public sealed record ServedStage(GatewayStage Stage, RouteTable Routes);
