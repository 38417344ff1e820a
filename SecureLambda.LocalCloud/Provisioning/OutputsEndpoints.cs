using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SecureLambda.LocalCloud.Provisioning;

/// <summary><c>GET /_localcloud/outputs</c>: the stack's outputs, dev users (never their passwords) and dev API keys (their values, which are known dev values, never AWS's).</summary>
public static class OutputsEndpoints
{
    public const string Path = "/_localcloud/outputs";

    public static IEndpointRouteBuilder MapLocalCloudOutputs(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, GetOutputsAsync).WithName("LocalCloudOutputs");
        return endpoints;
    }

    /// <summary>503 while provisioning runs, 500 with the error if it failed (it is a local developer tool), else the outputs.</summary>
    public static async Task<IResult> GetOutputsAsync(IProvisionedStackAccessor accessor)
    {
        ArgumentNullException.ThrowIfNull(accessor);
        var stack = accessor.Stack;
        if (!stack.IsCompleted)
        {
            return Results.Json(new JsonObject { ["message"] = "The stack is still being provisioned." }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (!stack.IsCompletedSuccessfully)
        {
            var error = stack.Exception?.GetBaseException().Message ?? "canceled";
            return Results.Json(new JsonObject { ["message"] = $"Provisioning the stack failed: {error}" }, statusCode: StatusCodes.Status500InternalServerError);
        }

        return Results.Text(OutputsDocument.Create(await stack).ToJsonString(OutputsDocument.JsonOptions), "application/json");
    }
}

/// <summary>The outputs JSON served by <see cref="OutputsEndpoints"/> and written to <see cref="StackProvisioningOptions.OutputsFile"/>.</summary>
public static class OutputsDocument
{
    public static JsonSerializerOptions JsonOptions { get; } = new() { WriteIndented = true };

    public static JsonObject Create(ProvisionedStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var outputs = new JsonObject();
        foreach (var (name, value) in stack.Outputs)
        {
            outputs[name] = value;
        }

        var users = new JsonArray();
        foreach (var user in stack.DevUsers)
        {
            users.Add(new JsonObject
            {
                ["Email"] = user.Email,
                ["UserPool"] = user.UserPoolLogicalId,
                ["UserPoolId"] = user.UserPoolId,
                ["ClientId"] = user.ClientId,
            });
        }

        var keys = new JsonArray();
        foreach (var key in stack.DevApiKeys)
        {
            keys.Add(new JsonObject { ["LogicalId"] = key.LogicalId, ["Id"] = key.Id, ["Name"] = key.Name, ["Value"] = key.Value });
        }

        return new JsonObject { ["StackName"] = stack.StackName, ["Outputs"] = outputs, ["DevUsers"] = users, ["DevApiKeys"] = keys };
    }

    /// <summary>Writes the document (relative paths from the content root) and returns the full path.</summary>
    public static async Task<string> WriteFileAsync(ProvisionedStack stack, StackProvisioningOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = System.IO.Path.GetFullPath(options.OutputsFile, options.ContentRoot ?? Directory.GetCurrentDirectory());
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, Create(stack).ToJsonString(JsonOptions) + "\n", cancellationToken);
        return path;
    }
}
