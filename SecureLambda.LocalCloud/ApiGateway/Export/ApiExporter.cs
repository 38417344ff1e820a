using System.Globalization;
using System.Text;
using Microsoft.OpenApi;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.ApiGateway.Export;

/// <summary>
/// API Gateway's <c>GetExport</c> of a stage of a REST API, read from the provisioned stack: OpenAPI 3.0.1
/// (<c>oas30</c>) or Swagger 2.0 (<c>swagger</c>), as JSON or YAML, with the API Gateway extensions the
/// <c>extensions</c> parameter asks for, and the documentation parts the stage's documentation version publishes.
/// Pure: no host, no engine, no clock, so the same stack gives the same bytes.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-export-api.html
/// https://docs.aws.amazon.com/apigateway/latest/api/API_GetExport.html
/// </summary>
public static class ApiExporter
{
    public const string Json = "application/json";
    public const string Yaml = "application/yaml";

    /// <summary>
    /// The export AWS would give for <c>aws apigateway get-export</c> with these arguments; <paramref name="servers"/>
    /// replace the stage's execute-api URL (with LocalCloud's own gateway, say).
    /// </summary>
    /// <exception cref="ApiExportException">404 <c>NotFoundException</c> for an unknown API or stage, 400 <c>BadRequestException</c> for a bad export type, extension or accepted type.</exception>
    public static ApiExport Export(
        ProvisionedStack stack,
        string restApiId,
        string stageName,
        string exportType,
        IReadOnlyDictionary<string, string> parameters,
        string? accepts,
        IReadOnlyList<OpenApiServer>? servers = null)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(parameters);
        var version = exportType switch
        {
            "oas30" => OpenApiSpecVersion.OpenApi3_0,
            "swagger" => OpenApiSpecVersion.OpenApi2_0,
            _ => throw ApiExportException.BadRequest($"Invalid export type specified: {exportType}. Acceptable values are 'oas30' and 'swagger'."),
        };
        var contentType = AcceptedType(accepts);
        var extensions = ParseExtensions(parameters);
        var document = BuildDocument(stack, restApiId, stageName, extensions, version, servers);
        var body = Serialize(document, version, contentType);
        var extension = contentType == Yaml ? "yaml" : "json";
        // AWS names the file after the export's date; a name from the API (the document's title), stage and type keeps the answer deterministic.
        return new ApiExport(contentType, $"attachment; filename=\"{document.Info.Title}-{stageName}-{exportType}.{extension}\"", body);
    }

    /// <summary>The export's document, before it is written out.</summary>
    public static OpenApiDocument BuildDocument(
        ProvisionedStack stack,
        string restApiId,
        string stageName,
        ApiExportExtensions extensions,
        OpenApiSpecVersion version,
        IReadOnlyList<OpenApiServer>? servers = null)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var api = stack.OfType(LocalResourceProvisioner.RestApi).FirstOrDefault(candidate => candidate.PhysicalId == restApiId)
            ?? throw ApiExportException.NotFound($"Invalid API identifier specified {stack.State.Settings.AccountId}:{restApiId}");
        var stage = stack.OfType(LocalResourceProvisioner.ApiStage)
            .FirstOrDefault(candidate => candidate.GetString("RestApiId") == restApiId && StageNameOf(candidate) == stageName)
            ?? throw ApiExportException.NotFound("Invalid stage identifier specified");
        return new ApiDocumentBuilder(stack, api, stage, extensions, version).Build(servers);
    }

    /// <summary>A stage's name: its <c>StageName</c>, which is also its physical id.</summary>
    public static string StageNameOf(ProvisionedResource stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return stage.GetString("StageName") ?? stage.PhysicalId;
    }

    /// <summary>The document as the export writes it: indented JSON or YAML, <c>openapi: 3.0.1</c> as API Gateway writes it.</summary>
    public static byte[] Serialize(OpenApiDocument document, OpenApiSpecVersion version, string contentType)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        IOpenApiWriter writer = contentType == Yaml ? new OpenApiYamlWriter(text) : new OpenApiJsonWriter(text);
        if (version == OpenApiSpecVersion.OpenApi2_0)
        {
            document.SerializeAsV2(writer);
        }
        else
        {
            document.SerializeAsV3(writer);
        }

        var written = text.ToString();
        if (version == OpenApiSpecVersion.OpenApi3_0)
        {
            // Microsoft.OpenApi writes the newest 3.0 patch version; API Gateway's exports say 3.0.1.
            written = contentType == Yaml
                ? ReplaceFirst(written, "openapi: 3.0.4", "openapi: 3.0.1")
                : ReplaceFirst(written, "\"openapi\": \"3.0.4\"", "\"openapi\": \"3.0.1\"");
        }

        return Encoding.UTF8.GetBytes(written.EndsWith('\n') ? written : written + "\n");
    }

    /// <summary>The <c>extensions</c> parameter: a comma list of <c>integrations</c>, <c>apigateway</c>, <c>authorizers</c> (and <c>postman</c>, which LocalCloud does not write).</summary>
    public static ApiExportExtensions ParseExtensions(IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!parameters.TryGetValue("extensions", out var list) || string.IsNullOrWhiteSpace(list))
        {
            return ApiExportExtensions.None;
        }

        var extensions = ApiExportExtensions.None;
        foreach (var item in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            extensions |= item switch
            {
                "integrations" => ApiExportExtensions.Integrations,
                "authorizers" => ApiExportExtensions.Authorizers,
                "apigateway" => ApiExportExtensions.ApiGateway,
                "postman" => throw ApiExportException.BadRequest("The postman extensions are not exported by LocalCloud; export with extensions integrations, apigateway or authorizers."),
                _ => throw ApiExportException.BadRequest($"Invalid extensions specified: {item}. Acceptable values are integrations, apigateway, authorizers and postman."),
            };
        }

        return extensions;
    }

    private static string AcceptedType(string? accepts)
    {
        var type = accepts?.Split(';', 2)[0].Trim();
        return type switch
        {
            null or "" or Json or "*/*" => Json,
            Yaml => Yaml,
            _ => throw ApiExportException.BadRequest($"Invalid accepts specified: {accepts}. Acceptable values are application/json and application/yaml."),
        };
    }

    private static string ReplaceFirst(string text, string from, string to)
    {
        var at = text.IndexOf(from, StringComparison.Ordinal);
        return at < 0 ? text : string.Concat(text.AsSpan(0, at), to, text.AsSpan(at + from.Length));
    }
}
