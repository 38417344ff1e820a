using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SecureLambda.LocalCloud.ApiGateway.Export;
using SecureLambda.LocalCloud.ApiGateway.UsagePlans;
using SecureLambda.LocalCloud.AwsEndpoint;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.ApiGateway.ControlPlane;

/// <summary>
/// The reads of API Gateway's management API (service <c>apigateway</c>, REST with JSON) that LocalCloud answers from
/// the stack it serves, so that the AWS CLI and the SDKs read the API, its stages, keys, usage plans, usage and export
/// locally as they read them in AWS: <c>get-rest-apis</c>, <c>get-rest-api</c>, <c>get-stages</c>, <c>get-stage</c>,
/// <c>get-export</c>, <c>get-api-keys</c>, <c>get-api-key</c>, <c>get-usage-plans</c>, <c>get-usage-plan</c>,
/// <c>get-usage-plan-keys</c> and <c>get-usage</c>. The API is the template's: any other operation, a write above all,
/// is refused with <c>BadRequestException</c> rather than sent to the engine, whose API Gateway holds none of it.
/// Every list is one page (LocalCloud's stacks are small): <c>limit</c> and <c>position</c> are accepted and a
/// <c>position</c> is never returned.
/// https://docs.aws.amazon.com/apigateway/latest/api/API_Operations.html
/// </summary>
public sealed class ApiGatewayControlPlane(DataPlaneState dataPlane, IProvisionedStackAccessor stack, UsageMeter usage)
{
    /// <summary>The request's operation and what it names, from the method and the path (botocore's <c>requestUri</c>s).</summary>
    public static (string Operation, string[] Arguments)? Route(string method, string path)
    {
        if (!HttpMethods.IsGet(method))
        {
            return null;
        }

        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        return segments switch
        {
            ["restapis"] => ("GetRestApis", []),
            ["restapis", var api] => ("GetRestApi", [api]),
            ["restapis", var api, "stages"] => ("GetStages", [api]),
            ["restapis", var api, "stages", var stage] => ("GetStage", [api, stage]),
            ["restapis", var api, "stages", var stage, "exports", var type] => ("GetExport", [api, stage, type]),
            ["apikeys"] => ("GetApiKeys", []),
            ["apikeys", var key] => ("GetApiKey", [key]),
            ["usageplans"] => ("GetUsagePlans", []),
            ["usageplans", var plan] => ("GetUsagePlan", [plan]),
            ["usageplans", var plan, "keys"] => ("GetUsagePlanKeys", [plan]),
            ["usageplans", var plan, "usage"] => ("GetUsage", [plan]),
            _ => null,
        };
    }

    public async Task HandleAsync(HttpContext context, AwsServiceCall call)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(call);
        var request = context.Request;
        if (Route(request.Method, request.Path.Value ?? "/") is not var (operation, arguments))
        {
            await AwsErrors.WriteAsync(context, call, new AwsError(400, "BadRequestException",
                $"LocalCloud serves the stack's API Gateway from its template and answers only its reads; {request.Method} {request.Path} is not one of them. Change the template instead."));
            return;
        }

        call = call with { Operation = operation };
        Activity.Current?.SetTag("rpc.method", operation);
        var model = await dataPlane.WaitAsync(context.RequestAborted);
        var provisioned = await stack.Stack.WaitAsync(context.RequestAborted);
        if (operation == "GetExport")
        {
            await ExportAsync(context, call, provisioned, arguments);
            return;
        }

        string? Query(string name) => request.Query[name].FirstOrDefault();
        Answer NoSuchApi() => NotFound($"Invalid API identifier specified {provisioned.State.Settings.AccountId}:{arguments[0]}");
        Answer NoSuchPlan() => NotFound("Invalid Usage Plan ID specified");
        var result = operation switch
        {
            "GetRestApis" => Items(RestApis(provisioned, model).Select(api => api.Json)),
            "GetRestApi" => RestApi(provisioned, model, arguments[0]) is { } one ? one.Json : NoSuchApi(),
            "GetStages" => RestApi(provisioned, model, arguments[0]) is { } api ? Items(api.Stages.Select(stage => (JsonObject)stage.DeepClone())) : NoSuchApi(),
            "GetStage" => RestApi(provisioned, model, arguments[0])?.Stages.FirstOrDefault(stage => (string?)stage["stageName"] == arguments[1]) is { } stage
                ? stage.DeepClone()
                : NotFound("Invalid stage identifier specified"),
            "GetApiKeys" => Items(model.UsagePlans.Keys
                .Where(key => Query("name") is not { } name || key.Name.StartsWith(name, StringComparison.Ordinal))
                .Select(key => ApiKeyJson(key, model.UsagePlans, IsTrue(Query("includeValues"))))),
            "GetApiKey" => model.UsagePlans.Keys.FirstOrDefault(key => key.Id == arguments[0]) is { } found
                ? ApiKeyJson(found, model.UsagePlans, IsTrue(Query("includeValue")))
                : NotFound("Invalid API Key identifier specified"),
            "GetUsagePlans" => Items(model.UsagePlans.Plans.Where(plan => Query("keyId") is not { } keyId || plan.KeyIds.Contains(keyId)).Select(UsagePlanJson)),
            "GetUsagePlan" => Plan(model, arguments[0]) is { } plan ? UsagePlanJson(plan) : NoSuchPlan(),
            "GetUsagePlanKeys" => Plan(model, arguments[0]) is { } keysOf
                ? Items(keysOf.KeyIds.Select(id => model.UsagePlans.Keys.First(key => key.Id == id)).Select(key => new JsonObject
                {
                    ["id"] = key.Id,
                    ["type"] = "API_KEY",
                    ["value"] = key.Value,
                    ["name"] = key.Name,
                }))
                : NoSuchPlan(),
            "GetUsage" => Plan(model, arguments[0]) is { } usedPlan ? Usage(usedPlan, Query("keyId"), Query("startDate"), Query("endDate")) : NoSuchPlan(),
            _ => throw new UnreachableException($"Route gave {operation}, which has no answer."),
        };

        if (result.Error is { } error)
        {
            await AwsErrors.WriteAsync(context, call, error);
            return;
        }

        context.Response.Headers[AwsErrors.RequestIdHeader] = AwsErrors.RequestIdOf(context);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(result.Json!.ToJsonString(), context.RequestAborted);
    }

    /// <summary>
    /// <c>get-export</c>: the export's parameters are the query string (<c>extensions=…</c>), its type the
    /// <c>Accept</c> header; the document comes back as the body with its <c>Content-Type</c> and <c>Content-Disposition</c>.
    /// https://docs.aws.amazon.com/apigateway/latest/api/API_GetExport.html
    /// </summary>
    private static async Task ExportAsync(HttpContext context, AwsServiceCall call, ProvisionedStack provisioned, string[] arguments)
    {
        var parameters = context.Request.Query.ToDictionary(entry => entry.Key, entry => entry.Value.ToString(), StringComparer.Ordinal);
        ApiExport export;
        try
        {
            export = ApiExporter.Export(provisioned, arguments[0], arguments[1], arguments[2], parameters, context.Request.Headers.Accept.ToString());
        }
        catch (ApiExportException refused)
        {
            await AwsErrors.WriteAsync(context, call, new AwsError(refused.StatusCode, refused.ErrorType, refused.Message));
            return;
        }

        context.Response.Headers[AwsErrors.RequestIdHeader] = AwsErrors.RequestIdOf(context);
        context.Response.ContentType = export.ContentType;
        context.Response.Headers.ContentDisposition = export.ContentDisposition;
        await context.Response.Body.WriteAsync(export.Body, context.RequestAborted);
    }

    private Answer Usage(UsagePlanDefinition plan, string? keyId, string? startDate, string? endDate)
    {
        // get-usage takes dates as yyyy-MM-dd; the end is included. https://docs.aws.amazon.com/apigateway/latest/api/API_GetUsage.html
        if (!TryDate(startDate, out var start) || !TryDate(endDate, out var end))
        {
            return BadRequest("Usage start and end dates are required, as yyyy-MM-dd.");
        }

        if (end < start)
        {
            return BadRequest("The usage end date must not be before its start date.");
        }

        var values = new JsonObject();
        foreach (var id in plan.KeyIds.Where(id => keyId is null || id == keyId))
        {
            values[id] = new JsonArray([.. usage.Daily(plan, id, start, end).Select(day => (JsonNode)new JsonArray(day[0], day[1]))]);
        }

        return new JsonObject
        {
            ["usagePlanId"] = plan.Id,
            ["startDate"] = startDate,
            ["endDate"] = endDate,
            ["values"] = values,
        };
    }

    private static IEnumerable<RestApiView> RestApis(ProvisionedStack provisioned, DataPlaneModel model) =>
        provisioned.OfType(LocalResourceProvisioner.RestApi).Select(api => new RestApiView(api, provisioned, CreatedDate(model)));

    private static RestApiView? RestApi(ProvisionedStack provisioned, DataPlaneModel model, string apiId) =>
        RestApis(provisioned, model).FirstOrDefault(api => api.Id == apiId);

    private static UsagePlanDefinition? Plan(DataPlaneModel model, string planId) => model.UsagePlans.Plans.FirstOrDefault(plan => plan.Id == planId);

    private static long CreatedDate(DataPlaneModel model) => model.BuiltAt.ToUnixTimeSeconds();

    private static JsonObject ApiKeyJson(ApiKeyDefinition key, UsagePlanCatalog catalog, bool includeValue)
    {
        var json = new JsonObject
        {
            ["id"] = key.Id,
            ["name"] = key.Name,
            ["enabled"] = key.Enabled,
            ["createdDate"] = key.CreatedDate.ToUnixTimeSeconds(),
            ["lastUpdatedDate"] = key.CreatedDate.ToUnixTimeSeconds(),
            // The stages the key opens through its plans, as restApiId/stage.
            ["stageKeys"] = new JsonArray([.. catalog.Plans.Where(plan => plan.KeyIds.Contains(key.Id))
                .SelectMany(plan => plan.ApiStages).Select(stage => (JsonNode)$"{stage.ApiId}/{stage.Stage}")]),
        };
        if (key.Description is not null)
        {
            json["description"] = key.Description;
        }

        if (includeValue)
        {
            json["value"] = key.Value;
        }

        return json;
    }

    private static JsonObject UsagePlanJson(UsagePlanDefinition plan)
    {
        var json = new JsonObject
        {
            ["id"] = plan.Id,
            ["name"] = plan.Name,
            ["apiStages"] = new JsonArray([.. plan.ApiStages.Select(stage => (JsonNode)new JsonObject { ["apiId"] = stage.ApiId, ["stage"] = stage.Stage })]),
        };
        if (plan.Description is not null)
        {
            json["description"] = plan.Description;
        }

        if (plan.Throttle is { } throttle)
        {
            json["throttle"] = new JsonObject { ["burstLimit"] = throttle.Burst, ["rateLimit"] = throttle.RatePerSecond };
        }

        if (plan.Quota is { } quota)
        {
            json["quota"] = new JsonObject { ["limit"] = quota.Limit, ["offset"] = quota.Offset, ["period"] = quota.Period.ToString().ToUpperInvariant() };
        }

        return json;
    }

    private static JsonObject Items(IEnumerable<JsonObject> items) => new() { ["item"] = new JsonArray([.. items]) };

    private static bool IsTrue(string? flag) => string.Equals(flag, "true", StringComparison.OrdinalIgnoreCase);

    private static bool TryDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static Answer NotFound(string message) => new(null, new AwsError(404, "NotFoundException", message));

    private static Answer BadRequest(string message) => new(null, new AwsError(400, "BadRequestException", message));

    /// <summary>An operation's JSON result, or the error it answers instead.</summary>
    private sealed record Answer(JsonNode? Json, AwsError? Error)
    {
        public static implicit operator Answer(JsonNode json) => new(json, null);
    }

    /// <summary>A REST API of the stack as <c>get-rest-api</c> shows it, with its stages.</summary>
    private sealed class RestApiView
    {
        public RestApiView(ProvisionedResource api, ProvisionedStack stack, long createdDate)
        {
            Id = api.PhysicalId;
            var properties = api.TypedProperties;
            Json = new JsonObject
            {
                ["id"] = Id,
                ["name"] = properties.OptionalString("Name") ?? api.LogicalId,
                ["createdDate"] = createdDate,
                ["apiKeySource"] = properties.OptionalString("ApiKeySourceType") ?? "HEADER",
                ["endpointConfiguration"] = new JsonObject
                {
                    ["types"] = new JsonArray([.. (properties.OptionalObject("EndpointConfiguration")?.StringList("Types") ?? ["EDGE"]).Select(type => (JsonNode)type)]),
                },
                ["rootResourceId"] = api.Attributes.TryGetValue("RootResourceId", out var root) ? root.DeepClone() : null,
                ["disableExecuteApiEndpoint"] = properties.OptionalBool("DisableExecuteApiEndpoint") ?? false,
            };
            if (properties.OptionalString("Description") is { } description)
            {
                Json["description"] = description;
            }

            Stages = [.. stack.OfType(LocalResourceProvisioner.ApiStage).Where(stage => stage.GetString("RestApiId") == Id).Select(stage =>
            {
                var json = new JsonObject
                {
                    ["stageName"] = ApiExporter.StageNameOf(stage),
                    ["deploymentId"] = stage.GetString("DeploymentId"),
                    ["tracingEnabled"] = stage.TypedProperties.OptionalBool("TracingEnabled") ?? false,
                    ["createdDate"] = createdDate,
                    ["lastUpdatedDate"] = createdDate,
                };
                if (stage.GetString("DocumentationVersion") is { } version)
                {
                    json["documentationVersion"] = version;
                }

                return json;
            })];
        }

        public string Id { get; }

        public JsonObject Json { get; }

        public IReadOnlyList<JsonObject> Stages { get; }
    }
}
