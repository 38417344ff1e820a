using Microsoft.Extensions.Options;
using SecureLambda.Aws.LocalCloud;
using SecureLambda.CloudFormation.Catalog;
using SecureLambda.LocalCloud.Iam;
using SecureLambda.LocalCloud.Lambda;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.Management;

/// <summary>
/// <c>GET /_localcloud/stack</c> (<see cref="LocalCloudClient.StackPath"/>): the stack as LocalCloud emulates it, for the
/// AppHost's resource tree and for anyone who asks. Always 200 with the document: while provisioning runs it says
/// <see cref="EmulatedStack.InProgress"/>, after a failure <see cref="EmulatedStack.Failed"/> with the reason, so a poller
/// never has to tell a busy LocalCloud from a broken one by status code.
/// </summary>
public static class EmulatedStackEndpoints
{
    public static IEndpointRouteBuilder MapEmulatedStack(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(LocalCloudClient.StackPath, GetStackAsync).ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<IResult> GetStackAsync(
        IProvisionedStackAccessor accessor, LambdaFunctions functions, IamDecisionLog iam, IOptions<StackProvisioningOptions> options, CancellationToken cancellationToken)
    {
        var stack = accessor.Stack;
        if (!stack.IsCompleted)
        {
            return Document(EmulatedStack.Unprovisioned(options.Value.StackName, EmulatedStack.InProgress));
        }

        if (!stack.IsCompletedSuccessfully)
        {
            var reason = stack.Exception?.GetBaseException().Message ?? "canceled";
            return Document(EmulatedStack.Unprovisioned(options.Value.StackName, EmulatedStack.Failed, reason));
        }

        return Document(Describe(await stack, await functions.ListAsync(cancellationToken)) with { IamDecisions = iam.Snapshot() });
    }

    /// <summary>The document for a provisioned stack and its functions' environments right now.</summary>
    public static EmulatedStack Describe(ProvisionedStack stack, IReadOnlyList<LocalFunction> functions)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(functions);
        return new EmulatedStack(
            stack.StackName,
            EmulatedStack.Complete,
            null,
            [.. stack.Resources.Select(Describe)],
            stack.Outputs,
            [.. stack.DevUsers.Select(user => new StackDevUser(user.Email, user.UserPoolLogicalId, user.UserPoolId, user.ClientId))],
            [.. functions.Select(function => function.Status)])
        {
            DevApiKeys = [.. stack.DevApiKeys.Select(key => new StackDevApiKey(key.LogicalId, key.Id, key.Name, key.Value))],
        };
    }

    private static StackResourceStatus Describe(ProvisionedResource resource)
    {
        // Every provisioned type is in the catalog: the provisioner refuses a template with any other.
        var entry = ResourceTypeCatalog.Find(resource.Type)!;
        var arn = resource.Attributes.TryGetValue("Arn", out var value) && value.GetValue<string>() is { } text && text != resource.PhysicalId ? text : null;
        return new StackResourceStatus(resource.LogicalId, resource.Type, resource.PhysicalId, arn, entry.Kind.ToString(), entry.Reason);
    }

    private static IResult Document(EmulatedStack status) => Results.Json(status, LocalCloudJsonContext.Default.EmulatedStack);
}
