using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using SecureLambda.LocalCloud.AwsEndpoint;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Diagnostics;

namespace SecureLambda.LocalCloud.Iam;

/// <summary>The verdict on one call: allowed, or denied with the message AWS writes for it.</summary>
public sealed record IamVerdict(bool IsAllowed, string? DeniedMessage)
{
    public static IamVerdict Allowed { get; } = new(true, null);
}

/// <summary>
/// Decides each call a function makes as its execution role, as IAM decides it: the role's identity-based policies and
/// the resource's resource-based policies, from the template (<see cref="StackPolicies"/>), evaluated by
/// <see cref="PolicyEvaluator"/>. Every decision is a span attribute and a count of <c>securelambda.iam.decisions</c>,
/// and a deny is logged with AWS's message, so it shows in the dashboard. <c>LocalCloud:Iam:Mode</c> chooses
/// <see cref="IamMode.Enforce"/>, <see cref="IamMode.Audit"/> or <see cref="IamMode.Off"/>.
/// </summary>
public sealed partial class IamAuthorizer(IOptions<IamOptions> options, IamDecisionLog decisions, TimeProvider timeProvider, ILogger<IamAuthorizer> logger)
{
    public const string CounterName = "securelambda.iam.decisions";

    /// <summary>The decision of a call LocalCloud cannot map to an action and a resource: denied, never guessed.</summary>
    public const string NotEvaluable = "NotEvaluable";

    private static readonly Counter<long> Decisions = LocalCloudTelemetry.Meter.CreateCounter<long>(
        CounterName, unit: "{call}", description: "IAM decisions on the functions' calls and on the invocations of the functions, by decision, action and the role or function decided on.");

    public IamMode Mode => options.Value.Mode;

    /// <summary>A call <paramref name="function"/>'s process made through the AWS endpoint with its role session.</summary>
    /// <param name="parameter">A top-level parameter of the request (a JSON member or a form field).</param>
    /// <param name="secureTransport">
    /// <c>aws:SecureTransport</c>. AWS's endpoints are HTTPS; the local endpoint is plain HTTP on loopback, where the
    /// request never leaves the machine, so a loopback request counts as secure and any other as not.
    /// </param>
    public IamVerdict Authorize(DataPlaneModel model, LambdaFunctionDefinition function, AwsServiceCall call, Func<string, string?> parameter, bool secureTransport)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(call);
        if (Mode == IamMode.Off || !model.Policies.IsEvaluated || IamActions.NeedsNoPermission(call))
        {
            return IamVerdict.Allowed;
        }

        if (IamActions.Map(call, parameter, model.Policies) is { } target)
        {
            return Authorize(model, function, target, secureTransport);
        }

        var (role, principal) = RoleOf(model, function);
        var action = $"{call.Service}:{call.Operation ?? "(unknown operation)"}";
        return Deny(role, principal, action, NotEvaluable,
            $"User: {principal.Arn} is not authorized to perform: {action} on resource: * because LocalCloud cannot evaluate it: it does not know which IAM action and resource this operation is authorized on");
    }

    /// <summary>
    /// A call with <paramref name="function"/>'s execution role whose action and resource the caller knows: one of
    /// LocalCloud's own APIs (Lambda's Invoke), or what LocalCloud does for the function, as Lambda does, such as sending a
    /// failed event's record to its on-failure destination (over TLS in AWS: <paramref name="secureTransport"/> true).
    /// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
    /// </summary>
    public IamVerdict Authorize(DataPlaneModel model, LambdaFunctionDefinition function, IamTarget target, bool secureTransport)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(target);
        if (Mode == IamMode.Off || !model.Policies.IsEvaluated)
        {
            return IamVerdict.Allowed;
        }

        var (role, principal) = RoleOf(model, function);
        return Decide(model.Policies, role, principal, target, secureTransport);
    }

    /// <summary>
    /// An AWS service invoking <paramref name="function"/> for <paramref name="sourceArn"/> (API Gateway for a method,
    /// SNS for a topic): allowed only by the function's resource-based policy, the template's
    /// <c>AWS::Lambda::Permission</c>s, as Lambda decides it.
    /// https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
    /// </summary>
    public IamVerdict AuthorizeServiceInvoke(DataPlaneModel model, string service, LambdaFunctionDefinition function, string sourceArn)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(function);
        if (Mode == IamMode.Off || !model.Policies.IsEvaluated)
        {
            return IamVerdict.Allowed;
        }

        var stack = model.Policies;
        var principal = IamPrincipal.Service(service, stack.Account);
        var request = new IamRequest(principal, "lambda:InvokeFunction", function.Arn, IamRequestContext.For(
            principal, timeProvider.GetUtcNow(), secureTransport: true, stack.Region,
            [new(IamRequestContext.SourceArn, sourceArn), new(IamRequestContext.SourceAccount, stack.Account)]));
        var decision = PolicyEvaluator.Evaluate(request, [], stack.ResourcePoliciesOf(function.Arn));
        Record(function.LogicalId, principal, request.Action, function.Arn, decision.IsAllowed ? nameof(IamDecisionKind.Allow) : decision.Kind.ToString());
        if (decision.IsAllowed)
        {
            decisions.Allowed(function.LogicalId);
            return IamVerdict.Allowed;
        }

        return Denied(function.LogicalId, AccessDeniedMessage.For(request, decision));
    }

    /// <summary>The role's session as Lambda names it: the session name is the function's name.</summary>
    private static (StackRole Role, IamPrincipal Principal) RoleOf(DataPlaneModel model, LambdaFunctionDefinition function)
    {
        var role = model.Policies.FindRole(function.Role)
            ?? throw new InvalidOperationException($"The role {function.Role} of {function.LogicalId} is not a role of the stack; the data plane should have refused it.");
        return (role, IamPrincipal.AssumedRole(role.Arn, function.FunctionName));
    }

    private IamVerdict Decide(StackPolicies stack, StackRole role, IamPrincipal principal, IamTarget target, bool secureTransport)
    {
        var request = new IamRequest(principal, target.Action, target.Resource,
            IamRequestContext.For(principal, timeProvider.GetUtcNow(), secureTransport, stack.Region));
        var decision = PolicyEvaluator.Evaluate(request, role.Policies, stack.ResourcePoliciesOf(target.Resource));
        var activity = Activity.Current;
        activity?.SetTag("aws.iam.policy", decision.PolicyName);
        activity?.SetTag("aws.iam.statement", decision.StatementSid);
        return decision.IsAllowed
            ? Allow(role, principal, target)
            : Deny(role, principal, target.Action, decision.Kind.ToString(), AccessDeniedMessage.For(request, decision), target.Resource);
    }

    private IamVerdict Allow(StackRole role, IamPrincipal principal, IamTarget target)
    {
        Record(role.LogicalId, principal, target.Action, target.Resource, nameof(IamDecisionKind.Allow));
        decisions.Allowed(role.LogicalId);
        return IamVerdict.Allowed;
    }

    private IamVerdict Deny(StackRole role, IamPrincipal principal, string action, string decision, string message, string resource = "*")
    {
        Record(role.LogicalId, principal, action, resource, decision);
        return Denied(role.LogicalId, message);
    }

    /// <summary>A deny, counted on the resource whose policy decided it; in Audit mode only logged, and allowed.</summary>
    private IamVerdict Denied(string logicalId, string message)
    {
        decisions.Denied(logicalId, message);
        if (Mode == IamMode.Audit)
        {
            LogWouldDeny(logicalId, message);
            return IamVerdict.Allowed;
        }

        LogDenied(logicalId, message);
        return new IamVerdict(false, message);
    }

    private void Record(string logicalId, IamPrincipal principal, string action, string resource, string decision)
    {
        Decisions.Add(1, new("decision", decision), new("action", action), new("resource", logicalId), new("mode", Mode.ToString()));
        if (Activity.Current is { } activity)
        {
            activity.SetTag("aws.iam.decision", decision);
            activity.SetTag("aws.iam.mode", Mode.ToString());
            activity.SetTag("aws.iam.principal", principal.Arn);
            activity.SetTag("aws.iam.action", action);
            activity.SetTag("aws.iam.resource", resource);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "IAM denied a call ({Resource}): {Message}")]
    private partial void LogDenied(string resource, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IAM would deny a call ({Resource}; LocalCloud:Iam:Mode=Audit, so it was allowed): {Message}")]
    private partial void LogWouldDeny(string resource, string message);
}
