using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using SecureLambda.CloudFormation.Properties;
using SecureLambda.LocalCloud.Provisioning;

namespace SecureLambda.LocalCloud.ApiGateway.Export;

/// <summary>
/// Builds the OpenAPI document of one stage of a REST API from its resources in the provisioned stack, in the shape
/// API Gateway's export gives: paths and methods from the resource tree, request bodies from <c>RequestModels</c>,
/// responses from <c>MethodResponses</c>, the models as component schemas, one <c>apiKey</c> security scheme per
/// authorizer plus <c>api_key</c> (<c>x-api-key</c>), and the documentation parts merged where API Gateway puts them.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-export-api.html
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html
/// </summary>
internal sealed class ApiDocumentBuilder(
    ProvisionedStack stack, ProvisionedResource api, ProvisionedResource stage, ApiExportExtensions extensions, OpenApiSpecVersion version)
{
    /// <summary>The API key header API Gateway reads with <c>ApiKeySourceType: HEADER</c>, and the scheme name its export gives it.</summary>
    public const string ApiKeyScheme = "api_key";
    public const string ApiKeyHeader = "x-api-key";

    private readonly string _apiId = api.PhysicalId;
    private readonly OpenApiDocument _document = new();
    private DocumentationParts _parts = DocumentationParts.None;

    private bool Integrations => extensions.HasFlag(ApiExportExtensions.Integrations);

    private bool Authorizers => extensions.HasFlag(ApiExportExtensions.Authorizers);

    public OpenApiDocument Build(IReadOnlyList<OpenApiServer>? servers)
    {
        var stageName = ApiExporter.StageNameOf(stage);
        // The stage publishes the parts of its documentation version; without one the export has no documentation.
        var documentationVersion = stage.GetString("DocumentationVersion");
        _parts = documentationVersion is null ? DocumentationParts.None : DocumentationParts.Of(stack, _apiId);

        _document.Info = new OpenApiInfo
        {
            Title = api.GetString("Name") ?? _apiId,
            // AWS uses the deployment's date when the stage has no documentation version; its id keeps the document deterministic.
            Version = documentationVersion ?? stage.GetString("DeploymentId") ?? stageName,
            Description = _parts.Api?.Content["info"]?["description"]?.GetValue<string>() ?? _parts.Api?.Description ?? api.GetString("Description"),
        };
        _document.Servers = servers is null ? [ExecuteApiServer(stageName)] : [.. servers];
        _document.Components = new OpenApiComponents
        {
            Schemas = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal),
            SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal),
        };
        _document.Paths = [];

        AddSchemas();
        var authorizers = AddAuthorizerSchemes();
        AddPaths(authorizers);
        AddApiExtensions();
        return _document;
    }

    /// <summary>
    /// <c>https://{restApiId}.execute-api.{region}.amazonaws.com/{basePath}</c> with <c>basePath</c> defaulting to
    /// <c>/{stage}</c>, as the export writes the stage's invoke URL (Swagger: <c>host</c>, <c>basePath</c>, <c>schemes</c>).
    /// </summary>
    private OpenApiServer ExecuteApiServer(string stageName)
    {
        var host = $"https://{_apiId}.execute-api.{stack.State.Settings.Region}.{stack.State.UrlSuffix}";
        // Swagger has no server variables: its basePath is the stage itself.
        return version == OpenApiSpecVersion.OpenApi2_0
            ? new OpenApiServer { Url = $"{host}/{stageName}" }
            : new OpenApiServer
            {
                Url = host + "/{basePath}",
                Variables = new Dictionary<string, OpenApiServerVariable>(StringComparer.Ordinal) { ["basePath"] = new() { Default = "/" + stageName } },
            };
    }

    private void AddSchemas()
    {
        foreach (var model in OfApi(LocalResourceProvisioner.ApiModel).OrderBy(model => model.PhysicalId, StringComparer.Ordinal))
        {
            var name = model.PhysicalId;
            var schema = model.Properties["Schema"] is { } json
                ? ModelSchemas.Read(json is JsonValue text && text.TryGetValue<string>(out var raw) ? JsonNode.Parse(raw)! : json, _document, name)
                : new OpenApiSchema();
            if (_parts.Named("MODEL", name)?.Description is { } description)
            {
                schema.Description = description;
            }

            _document.Components!.Schemas![name] = schema;
        }
    }

    /// <summary>The security scheme of each authorizer of the API, by its physical id.</summary>
    private Dictionary<string, string> AddAuthorizerSchemes()
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var authorizer in OfApi(LocalResourceProvisioner.ApiAuthorizer))
        {
            var name = authorizer.GetString("Name") ?? authorizer.LogicalId;
            var type = authorizer.GetString("Type") ?? "TOKEN";
            var identitySource = authorizer.GetString("IdentitySource") ?? "method.request.header.Authorization";
            var scheme = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                Name = HeaderOf(identitySource) ?? "Authorization",
                In = ParameterLocation.Header,
                Description = _parts.Named("AUTHORIZER", name)?.Description,
                Extensions = new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal)
                {
                    ["x-amazon-apigateway-authtype"] = new JsonNodeExtension(type == "COGNITO_USER_POOLS" ? "cognito_user_pools" : "custom"),
                },
            };
            if (Authorizers)
            {
                scheme.Extensions["x-amazon-apigateway-authorizer"] = new JsonNodeExtension(AuthorizerExtension(authorizer, type, identitySource));
            }

            _document.Components!.SecuritySchemes![name] = scheme;
            names[authorizer.PhysicalId] = name;
        }

        return names;
    }

    private static JsonObject AuthorizerExtension(ProvisionedResource authorizer, string type, string identitySource)
    {
        // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html
        var properties = authorizer.TypedProperties;
        var extension = new JsonObject { ["type"] = type.ToLowerInvariant() };
        if (type == "COGNITO_USER_POOLS")
        {
            extension["providerARNs"] = new JsonArray([.. properties.StringList("ProviderARNs").Select(arn => (JsonNode?)arn)]);
        }
        else
        {
            extension["authorizerUri"] = properties.OptionalString("AuthorizerUri");
            extension["identitySource"] = identitySource;
            SetIfPresent(extension, "authorizerCredentials", properties.OptionalString("AuthorizerCredentials"));
        }

        SetIfPresent(extension, "authorizerResultTtlInSeconds", properties.OptionalInt("AuthorizerResultTtlInSeconds"));
        SetIfPresent(extension, "identityValidationExpression", properties.OptionalString("IdentityValidationExpression"));

        return extension;
    }

    private void AddPaths(Dictionary<string, string> authorizers)
    {
        var paths = ResourcePaths();
        var validators = OfApi(LocalResourceProvisioner.ApiRequestValidator).ToDictionary(v => v.PhysicalId, StringComparer.Ordinal);
        var methods = OfApi(LocalResourceProvisioner.ApiMethod)
            .Select(method => (Method: method, Path: paths.GetValueOrDefault(method.GetString("ResourceId") ?? "")))
            .Where(entry => entry.Path is not null)
            .OrderBy(entry => entry.Path, StringComparer.Ordinal)
            .ThenBy(entry => entry.Method.GetString("HttpMethod"), StringComparer.Ordinal);
        foreach (var (method, path) in methods)
        {
            if (!_document.Paths.TryGetValue(path!, out var item))
            {
                var pathItem = new OpenApiPathItem { Operations = [], Description = _parts.Exact("RESOURCE", path!)?.Description };
                _document.Paths[path!] = item = pathItem;
            }

            var httpMethod = (method.GetString("HttpMethod") ?? "GET").ToUpperInvariant();
            var operation = Operation(method, path!, httpMethod, authorizers, validators);
            if (httpMethod == "ANY")
            {
                // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-any-method.html
                ((OpenApiPathItem)item).Extensions ??= new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal);
                ((OpenApiPathItem)item).Extensions!["x-amazon-apigateway-any-method"] = new JsonNodeExtension(OperationJson(operation));
                continue;
            }

            ((OpenApiPathItem)item).Operations![new HttpMethod(httpMethod)] = operation;
        }
    }

    private JsonNode OperationJson(OpenApiOperation operation)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var writer = new OpenApiJsonWriter(text);
        if (version == OpenApiSpecVersion.OpenApi2_0)
        {
            operation.SerializeAsV2(writer);
        }
        else
        {
            operation.SerializeAsV3(writer);
        }

        return JsonNode.Parse(text.ToString())!;
    }

    private OpenApiOperation Operation(
        ProvisionedResource method, string path, string httpMethod, Dictionary<string, string> authorizers, Dictionary<string, ProvisionedResource> validators)
    {
        var properties = method.TypedProperties;
        var documentation = _parts.Exact("METHOD", path, httpMethod);
        var operation = new OpenApiOperation
        {
            Summary = documentation?.Content["summary"]?.GetValue<string>(),
            Description = documentation?.Description,
            OperationId = properties.OptionalString("OperationName"),
            Responses = [],
            Extensions = new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal),
        };

        AddParameters(operation, properties, path, httpMethod);
        var validator = properties.OptionalString("RequestValidatorId") is { } validatorId ? validators.GetValueOrDefault(validatorId) : null;
        AddRequestBody(operation, properties, path, httpMethod, validator);
        AddResponses(operation, properties, path, httpMethod);
        AddSecurity(operation, properties, path, httpMethod, authorizers);

        if (Integrations)
        {
            if (validator is not null)
            {
                operation.Extensions["x-amazon-apigateway-request-validator"] = new JsonNodeExtension(validator.GetString("Name") ?? validator.LogicalId);
            }

            if (properties.OptionalObject("Integration") is { } integration)
            {
                operation.Extensions["x-amazon-apigateway-integration"] = new JsonNodeExtension(IntegrationExtension(integration));
            }
        }

        return operation;
    }

    private void AddParameters(OpenApiOperation operation, ResourceProperties properties, string path, string httpMethod)
    {
        var parameters = new List<IOpenApiParameter>();
        var declared = properties.OptionalObject("RequestParameters");
        foreach (var name in declared?.Json.Select(entry => entry.Key) ?? [])
        {
            // method.request.{path|querystring|header}.{name}: true when required.
            var parts = name.Split('.', 4);
            if (parts is not ["method", "request", var where, var parameterName])
            {
                continue;
            }

            var (location, type) = where switch
            {
                "path" => (ParameterLocation.Path, "PATH_PARAMETER"),
                "querystring" => (ParameterLocation.Query, "QUERY_PARAMETER"),
                "header" => (ParameterLocation.Header, "REQUEST_HEADER"),
                _ => ((ParameterLocation?)null, ""),
            };
            if (location is null)
            {
                continue;
            }

            parameters.Add(new OpenApiParameter
            {
                Name = parameterName,
                In = location,
                Required = location == ParameterLocation.Path || declared!.OptionalBool(name) == true,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                Description = _parts.Inherited(type, path, httpMethod, parameterName)?.Description,
            });
        }

        if (parameters.Count > 0)
        {
            operation.Parameters = parameters;
        }
    }

    private void AddRequestBody(OpenApiOperation operation, ResourceProperties properties, string path, string httpMethod, ProvisionedResource? validator)
    {
        var models = properties.OptionalObject("RequestModels");
        if (models is null || models.Json.Count == 0)
        {
            return;
        }

        var content = new Dictionary<string, IOpenApiMediaType>(StringComparer.Ordinal);
        foreach (var contentType in models.Json.Select(entry => entry.Key))
        {
            if (models.OptionalString(contentType) is not { } model)
            {
                continue;
            }

            // API Gateway's $default model applies to every content type without a model of its own: OpenAPI's */*.
            content[contentType == "$default" ? "*/*" : contentType] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(model, _document) };
        }

        var body = new OpenApiRequestBody
        {
            Content = content,
            // A validator that validates the body refuses a request without one.
            Required = validator?.TypedProperties.OptionalBool("ValidateRequestBody") == true,
            Description = _parts.Exact("REQUEST_BODY", path, httpMethod)?.Description,
        };
        if (version == OpenApiSpecVersion.OpenApi2_0 && models.OptionalString(models.Json.First().Key) is { } bodyName)
        {
            // Swagger's body parameter is named after the model, as API Gateway names it.
            body.Extensions = new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal) { ["x-bodyName"] = new JsonNodeExtension(bodyName) };
        }

        operation.RequestBody = body;
    }

    private void AddResponses(OpenApiOperation operation, ResourceProperties properties, string path, string httpMethod)
    {
        foreach (var response in properties.ObjectList("MethodResponses"))
        {
            var statusCode = response.RequiredString("StatusCode");
            var openApiResponse = new OpenApiResponse
            {
                Description = _parts.Inherited("RESPONSE", path, httpMethod, statusCode: statusCode)?.Description ?? $"{statusCode} response",
            };
            if (response.OptionalObject("ResponseModels") is { } models)
            {
                openApiResponse.Content = new Dictionary<string, IOpenApiMediaType>(StringComparer.Ordinal);
                foreach (var contentType in models.Json.Select(entry => entry.Key))
                {
                    if (models.OptionalString(contentType) is { } model)
                    {
                        openApiResponse.Content[contentType] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(model, _document) };
                    }
                }
            }

            if (response.OptionalObject("ResponseParameters") is { } headers)
            {
                openApiResponse.Headers = new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal);
                foreach (var name in headers.Json.Select(entry => entry.Key))
                {
                    const string prefix = "method.response.header.";
                    if (name.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        openApiResponse.Headers[name[prefix.Length..]] = new OpenApiHeader { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
                    }
                }
            }

            operation.Responses![statusCode] = openApiResponse;
        }
    }

    /// <summary>
    /// One requirement naming the method's authorizer and, when the method needs a key, <c>api_key</c>: API Gateway
    /// asks for both. The request headers' documentation lands on the schemes that read those headers.
    /// </summary>
    private void AddSecurity(
        OpenApiOperation operation, ResourceProperties properties, string path, string httpMethod, Dictionary<string, string> authorizers)
    {
        var requirement = new OpenApiSecurityRequirement();
        var authorizationType = properties.OptionalString("AuthorizationType") ?? "NONE";
        if (authorizationType is "COGNITO_USER_POOLS" or "CUSTOM"
            && properties.OptionalString("AuthorizerId") is { } authorizerId && authorizers.TryGetValue(authorizerId, out var schemeName))
        {
            requirement[new OpenApiSecuritySchemeReference(schemeName, _document)] = [.. properties.StringList("AuthorizationScopes")];
        }
        else if (authorizationType == "AWS_IAM")
        {
            // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authtype.html
            _document.Components!.SecuritySchemes!.TryAdd("sigv4", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                Name = "Authorization",
                In = ParameterLocation.Header,
                Extensions = new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal) { ["x-amazon-apigateway-authtype"] = new JsonNodeExtension("awsSigv4") },
            });
            requirement[new OpenApiSecuritySchemeReference("sigv4", _document)] = [];
        }

        if (properties.OptionalBool("ApiKeyRequired") == true)
        {
            _document.Components!.SecuritySchemes!.TryAdd(ApiKeyScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                Name = ApiKeyHeader,
                In = ParameterLocation.Header,
            });
            requirement[new OpenApiSecuritySchemeReference(ApiKeyScheme, _document)] = [];
        }

        if (requirement.Count > 0)
        {
            operation.Security = [requirement];
            DocumentSchemeHeaders(requirement, operation, path, httpMethod);
        }
    }

    /// <summary>
    /// A REQUEST_HEADER part for a header the method does not declare, but one of its security schemes reads (the API
    /// key's <c>x-api-key</c>, an authorizer's identity header), describes that scheme, unless an AUTHORIZER part already does.
    /// </summary>
    private void DocumentSchemeHeaders(OpenApiSecurityRequirement requirement, OpenApiOperation operation, string path, string httpMethod)
    {
        foreach (var reference in requirement.Keys)
        {
            if (_document.Components!.SecuritySchemes![reference.Reference.Id!] is OpenApiSecurityScheme { Description: null, Name: { } header } scheme
                && operation.Parameters?.Any(parameter => string.Equals(parameter.Name, header, StringComparison.OrdinalIgnoreCase)) != true)
            {
                scheme.Description = _parts.Inherited("REQUEST_HEADER", path, httpMethod, header)?.Description;
            }
        }
    }

    private static JsonObject IntegrationExtension(ResourceProperties integration)
    {
        // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration.html
        var extension = new JsonObject();
        SetIfPresent(extension, "uri", integration.OptionalString("Uri"));
        SetIfPresent(extension, "httpMethod", integration.OptionalString("IntegrationHttpMethod"));

        extension["passthroughBehavior"] = (integration.OptionalString("PassthroughBehavior") ?? "WHEN_NO_MATCH").ToLowerInvariant();
        SetIfPresent(extension, "credentials", integration.OptionalString("Credentials"));
        SetIfPresent(extension, "timeoutInMillis", integration.OptionalInt("TimeoutInMillis"));
        SetIfPresent(extension, "contentHandling", integration.OptionalString("ContentHandling"));

        extension["type"] = (integration.OptionalString("Type") ?? "AWS_PROXY").ToLowerInvariant();
        return extension;
    }

    private void AddApiExtensions()
    {
        if (!Integrations)
        {
            return;
        }

        _document.Extensions = new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal);
        if (api.GetString("ApiKeySourceType") is { } keySource)
        {
            // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-api-key-source.html
            _document.Extensions["x-amazon-apigateway-api-key-source"] = new JsonNodeExtension(keySource);
        }

        var validators = new JsonObject();
        foreach (var validator in OfApi(LocalResourceProvisioner.ApiRequestValidator))
        {
            // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-request-validators.html
            validators[validator.GetString("Name") ?? validator.LogicalId] = new JsonObject
            {
                ["validateRequestBody"] = validator.TypedProperties.OptionalBool("ValidateRequestBody") ?? false,
                ["validateRequestParameters"] = validator.TypedProperties.OptionalBool("ValidateRequestParameters") ?? false,
            };
        }

        if (validators.Count > 0)
        {
            _document.Extensions["x-amazon-apigateway-request-validators"] = new JsonNodeExtension(validators);
        }

        var responses = new JsonObject();
        foreach (var response in OfApi(LocalResourceProvisioner.ApiGatewayResponse).OrderBy(r => r.GetString("ResponseType"), StringComparer.Ordinal))
        {
            // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-gateway-responses.html
            var entry = new JsonObject();
            if (response.TypedProperties.OptionalInt("StatusCode") is { } statusCode)
            {
                entry["statusCode"] = statusCode;
            }

            foreach (var map in (string[])["ResponseParameters", "ResponseTemplates"])
            {
                if (response.Properties[map] is JsonObject values)
                {
                    entry[char.ToLowerInvariant(map[0]) + map[1..]] = values.DeepClone();
                }
            }

            responses[response.GetString("ResponseType") ?? response.LogicalId] = entry;
        }

        if (responses.Count > 0)
        {
            _document.Extensions["x-amazon-apigateway-gateway-responses"] = new JsonNodeExtension(responses);
        }
    }

    /// <summary>Each resource's full path by its id, from the root resource down the <c>ParentId</c> chain.</summary>
    private Dictionary<string, string> ResourcePaths()
    {
        var rootId = api.Attributes.TryGetValue("RootResourceId", out var root) ? root.GetValue<string>() : "";
        var resources = OfApi(LocalResourceProvisioner.ApiResource).ToDictionary(r => r.PhysicalId, StringComparer.Ordinal);
        var paths = new Dictionary<string, string>(StringComparer.Ordinal) { [rootId] = "/" };

        string? PathOf(string id, int depth)
        {
            if (paths.TryGetValue(id, out var known))
            {
                return known;
            }

            if (depth > resources.Count || !resources.TryGetValue(id, out var resource) || resource.GetString("ParentId") is not { } parentId
                || PathOf(parentId, depth + 1) is not { } parentPath)
            {
                return null;
            }

            return paths[id] = (parentPath == "/" ? "" : parentPath) + "/" + resource.GetString("PathPart");
        }

        foreach (var id in resources.Keys)
        {
            PathOf(id, 0);
        }

        return paths;
    }

    private IEnumerable<ProvisionedResource> OfApi(string type) =>
        stack.OfType(type).Where(resource => resource.GetString("RestApiId") == _apiId);

    private static void SetIfPresent(JsonObject target, string name, JsonNode? value)
    {
        if (value is not null)
        {
            target[name] = value;
        }
    }

    private static string? HeaderOf(string identitySource)
    {
        const string prefix = "method.request.header.";
        var first = identitySource.Split(',', 2)[0].Trim();
        return first.StartsWith(prefix, StringComparison.Ordinal) ? first[prefix.Length..] : null;
    }
}
