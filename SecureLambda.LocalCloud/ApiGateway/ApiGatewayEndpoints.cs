namespace SecureLambda.LocalCloud.ApiGateway;

public static class ApiGatewayEndpoints
{
    /// <summary>
    /// Serves every stage at <c>/{StageName}/{path}</c>, as API Gateway serves <c>https://{api}.execute-api…/{StageName}/{path}</c>.
    /// LocalCloud's own routes (the Runtime and Invoke APIs, health, outputs) have literal segments and so win over this one.
    /// </summary>
    public static IEndpointRouteBuilder MapApiGateway(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/{stage}/{**path}", (HttpContext context, string stage, string? path, GatewayPipeline pipeline) =>
            pipeline.HandleAsync(context, stage, path)).ExcludeFromDescription();
        return endpoints;
    }
}
