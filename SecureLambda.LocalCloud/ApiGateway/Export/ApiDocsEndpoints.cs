using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using SecureLambda.Aws.LocalCloud;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.ApiGateway.Export;

/// <summary>
/// The API's docs page on LocalCloud's API host, a Scalar API reference (<c>GET /_localcloud/docs</c>) of the stage's
/// export (<c>GET /_localcloud/openapi/{stage}.json</c>): the document <c>get-export</c> gives, with LocalCloud's own
/// invoke URL as its server, so "try it" calls the local stage. The dev API key of the first client app is filled in;
/// the ID token is the user's to paste (a dashboard command or <c>aws cognito-idp initiate-auth</c> gives one). Neither
/// is served on the AWS endpoint: only the AWS APIs are (<see cref="AwsEndpoint.AwsEndpointMatcherPolicy"/>).
/// </summary>
public static class ApiDocsEndpoints
{
    public const string DocsPath = LocalCloudClient.ApiDocsPath;
    public const string DocumentPathPattern = "/_localcloud/openapi/{documentName}.json";

    public static IEndpointRouteBuilder MapApiDocs(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(DocumentPathPattern.Replace("{documentName}", "{stage}", StringComparison.Ordinal), GetDocumentAsync).ExcludeFromDescription();
        endpoints.MapScalarApiReference(DocsPath, ConfigurePageAsync);
        return endpoints;
    }

    /// <summary>The stage's oas30 export, served from the request's own origin; 503 while the stack is provisioned.</summary>
    public static async Task<IResult> GetDocumentAsync(string stage, HttpContext context, IProvisionedStackAccessor accessor)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(accessor);
        if (!accessor.Stack.IsCompleted)
        {
            return Message("The stack is still being provisioned.", StatusCodes.Status503ServiceUnavailable);
        }

        if (!accessor.Stack.IsCompletedSuccessfully)
        {
            return Message($"Provisioning the stack failed: {accessor.Stack.Exception?.GetBaseException().Message ?? "canceled"}", StatusCodes.Status500InternalServerError);
        }

        var stack = await accessor.Stack;
        if (RestApiOf(stack, stage) is not { } restApiId)
        {
            return Message($"The stack has no stage {stage}.", StatusCodes.Status404NotFound);
        }

        var origin = $"{context.Request.Scheme}://{context.Request.Host}";
        var export = ApiExporter.Export(
            stack, restApiId, stage, "oas30", new Dictionary<string, string>(), ApiExporter.Json, [new OpenApiServer { Url = $"{origin}/{stage}", Description = "LocalCloud" }]);
        return Results.Bytes(export.Body, export.ContentType);
    }

    /// <summary>One document per stage of the stack, once it is provisioned (the page waits for it); the first dev key filled in.</summary>
    private static async Task ConfigurePageAsync(ScalarOptions options, HttpContext context)
    {
        options.WithTitle("SecureLambda API (LocalCloud)").WithOpenApiRoutePattern(DocumentPathPattern);
        // Nothing leaves the machine: no AI agent, telemetry, developer tools or web fonts of Scalar's cloud.
        options.DisableAgent().DisableTelemetry().DisableDefaultFonts().HideDeveloperTools();
        ProvisionedStack stack;
        try
        {
            stack = await context.RequestServices.GetRequiredService<IProvisionedStackAccessor>().Stack.WaitAsync(context.RequestAborted);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // A failed provisioning: the page lists no document; GET /_localcloud/outputs says why.
            return;
        }

        foreach (var stage in Stages(stack))
        {
            options.AddDocument(stage);
        }

        if (stack.DevApiKeys is [var key, ..])
        {
            options.AddPreferredSecuritySchemes(ApiDocumentBuilder.ApiKeyScheme)
                .AddApiKeyAuthentication(ApiDocumentBuilder.ApiKeyScheme, scheme => scheme.Value = key.Value);
        }
    }

    private static IEnumerable<string> Stages(ProvisionedStack stack) =>
        stack.OfType(LocalResourceProvisioner.ApiStage).Select(ApiExporter.StageNameOf).Distinct(StringComparer.Ordinal);

    private static string? RestApiOf(ProvisionedStack stack, string stage) =>
        stack.OfType(LocalResourceProvisioner.ApiStage).FirstOrDefault(candidate => ApiExporter.StageNameOf(candidate) == stage)?.GetString("RestApiId");

    private static IResult Message(string message, int statusCode) =>
        Results.Json(new JsonObject { ["message"] = message }, statusCode: statusCode);
}
