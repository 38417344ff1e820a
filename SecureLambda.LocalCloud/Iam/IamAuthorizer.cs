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
        CounterName, unit: "{call}", description: "IAM decisions on the functions' calls, by decision, action and role.");

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

        var (role, principal) = RoleOf(model, function);
        if (IamActions.Map(call, parameter, model.Policies) is not { } target)
        {
            var action = $"{call.Service}:{call.Operation ?? "(unknown operation)"}";
            return Deny(role, principal, action, NotEvaluable,
                $"User: {principal.Arn} is not authorized to perform: {action} on resource: * because LocalCloud cannot evaluate it: it does not know which IAM action and resource this operation is authorized on");
        }

        return Decide(model.Policies, role, principal, target, secureTransport);
    }

    /// <summary>
    /// What LocalCloud does for <paramref name="function"/> with its execution role, as Lambda does: sending a failed
    /// event's record to its on-failure destination. https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
    /// </summary>
    public IamVerdict AuthorizeOnBehalfOf(DataPlaneModel model, LambdaFunctionDefinition function, IamTarget target)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(target);
        if (Mode == IamMode.Off || !model.Policies.IsEvaluated)
        {
            return IamVerdict.Allowed;
        }

        var (role, principal) = RoleOf(model, function);
        // Lambda's own calls travel over TLS.
        return Decide(model.Policies, role, principal, target, secureTransport: true);
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
        Record(role, principal, target.Action, target.Resource, nameof(IamDecisionKind.Allow));
        decisions.Allowed(role.LogicalId);
        return IamVerdict.Allowed;
    }

    private IamVerdict Deny(StackRole role, IamPrincipal principal, string action, string decision, string message, string resource = "*")
    {
        Record(role, principal, action, resource, decision);
        decisions.Denied(role.LogicalId, message);
        if (Mode == IamMode.Audit)
        {
            LogWouldDeny(role.LogicalId, message);
            return IamVerdict.Allowed;
        }

        LogDenied(role.LogicalId, message);
        return new IamVerdict(false, message);
    }

    private void Record(StackRole role, IamPrincipal principal, string action, string resource, string decision)
    {
        Decisions.Add(1, new("decision", decision), new("action", action), new("role", role.LogicalId), new("mode", Mode.ToString()));
        if (Activity.Current is { } activity)
        {
            activity.SetTag("aws.iam.decision", decision);
            activity.SetTag("aws.iam.mode", Mode.ToString());
            activity.SetTag("aws.iam.principal", principal.Arn);
            activity.SetTag("aws.iam.action", action);
            activity.SetTag("aws.iam.resource", resource);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "IAM denied a call of {Role}: {Message}")]
    private partial void LogDenied(string role, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IAM would deny a call of {Role} (LocalCloud:Iam:Mode=Audit, so it was allowed): {Message}")]
    private partial void LogWouldDeny(string role, string message);
}
