using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Microsoft.OpenApi.YamlReader;
using SecureLambda.CloudFormation;
using SecureLambda.LocalCloud.ApiGateway;
using SecureLambda.LocalCloud.ApiGateway.Export;
using SecureLambda.LocalCloud.Provisioning;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.ApiGateway.Export;

/// <summary>
/// <c>aws apigateway get-export</c> against LocalCloud's AWS endpoint, read back with Microsoft.OpenApi, a reader we did
/// not write: the stage of the production template as API Gateway exports it, with the template's paths, models,
/// authorizers, API key and documentation parts, and AWS's <c>x-amazon-apigateway-*</c> extensions only when asked.
/// Then what is built from the same export: the docs page on the API host, the checked-in <c>docs/api/openapi.yaml</c>
/// and the README's table of gateway answers.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-export-api.html
/// </summary>
public sealed class ApiExportTests(LocalCloudApp app) : IClassFixture<LocalCloudApp>
{
    private const string Stage = "development";

    private static readonly CloudFormationTemplate Template =
        CloudFormationTemplate.Load(Path.Combine(AppContext.BaseDirectory, "cloudformation", "secure-lambda.yaml"));

    private string Endpoint => app.AwsEndpoint.ToString().TrimEnd('/');

    [Fact]
    public async Task TheAwsCli_ExportsTheStageAsOpenApi30_WithTheTemplatesPathsModelsAndSecuritySchemes()
    {
        var (meta, text) = await ExportAsync("oas30");

        Assert.Equal("application/json", meta.GetProperty("contentType").GetString());
        Assert.StartsWith("attachment; filename=", meta.GetProperty("contentDisposition").GetString(), StringComparison.Ordinal);
        Assert.Equal("3.0.1", JsonNode.Parse(text)!["openapi"]!.GetValue<string>());
        var document = Read(text, "json");

        Assert.Equal(["/lambda1", "/lambda2"], document.Paths.Keys.Order(StringComparer.Ordinal));
        Assert.All(document.Paths.Values, path => Assert.Equal([HttpMethod.Post], path.Operations!.Keys));
        Assert.Equal($"https://{await RestApiIdAsync()}.execute-api.us-east-1.amazonaws.com/{{basePath}}", Assert.Single(document.Servers!).Url);
        Assert.Equal("/development", document.Servers![0].Variables!["basePath"].Default);

        // One scheme per authorizer, named as the authorizer, plus API Gateway's api_key for the x-api-key header.
        var schemes = document.Components!.SecuritySchemes!;
        Assert.Equal(["Lambda1Authorizer", "Lambda2Authorizer", "api_key"], schemes.Keys.Order(StringComparer.Ordinal));
        foreach (var authorizer in Template.OfType("AWS::ApiGateway::Authorizer"))
        {
            var scheme = schemes[authorizer.Properties["Name"]!.GetValue<string>()];
            Assert.Equal((SecuritySchemeType.ApiKey, "Authorization", ParameterLocation.Header), (scheme.Type, scheme.Name, scheme.In));
            Assert.Equal("\"cognito_user_pools\"", Extension(scheme.Extensions, "x-amazon-apigateway-authtype"));
            Assert.False(scheme.Extensions!.ContainsKey("x-amazon-apigateway-authorizer"));
        }

        Assert.Equal((SecuritySchemeType.ApiKey, "x-api-key", ParameterLocation.Header), (schemes["api_key"].Type, schemes["api_key"].Name, schemes["api_key"].In));

        // Each route asks for its own pool's authorizer and a key, both at once.
        Assert.Equal(["Lambda1Authorizer", "api_key"], SchemesOf(document, "/lambda1"));
        Assert.Equal(["Lambda2Authorizer", "api_key"], SchemesOf(document, "/lambda2"));

        // Without extensions there is nothing of API Gateway's own: no integration, no validator.
        Assert.DoesNotContain("x-amazon-apigateway-integration", text, StringComparison.Ordinal);
        Assert.DoesNotContain("x-amazon-apigateway-request-validator", text, StringComparison.Ordinal);
        Assert.DoesNotContain("arn:aws:lambda", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheExportsSchemas_AreTheTemplatesModels_WithTheirTypesRestored()
    {
        var (_, text) = await ExportAsync("oas30");
        var exported = JsonNode.Parse(text)!["components"]!["schemas"]!.AsObject();
        var models = Template.OfType("AWS::ApiGateway::Model").ToList();

        Assert.Equal(
            models.Select(model => model.Properties["Name"]!.GetValue<string>()).Order(StringComparer.Ordinal),
            exported.Select(entry => entry.Key).Order(StringComparer.Ordinal));
        foreach (var model in models)
        {
            var schema = model.Properties["Schema"]!.AsObject();
            var export = exported[model.Properties["Name"]!.GetValue<string>()]!;
            Assert.Equal(schema["type"]!.GetValue<string>(), export["type"]!.GetValue<string>());
            Assert.Equal(
                schema["required"]!.AsArray().Select(name => name!.GetValue<string>()),
                export["required"]!.AsArray().Select(name => name!.GetValue<string>()));
            foreach (var (name, property) in schema["properties"]!.AsObject())
            {
                var exportedProperty = export["properties"]![name]!.AsObject();
                foreach (var (keyword, value) in property!.AsObject())
                {
                    // The YAML template hands "1" over as a string; the schema says the number 1, as the model means.
                    Assert.Equal(value!.GetValue<string>(), exportedProperty[keyword]!.ToJsonString().Trim('"'));
                }
            }

            Assert.False(export.AsObject().ContainsKey("$schema"));
        }

        var greeting = exported["GreetingRequest"]!["properties"]!["name"]!;
        Assert.Equal(JsonValueKind.Number, JsonDocument.Parse(greeting["minLength"]!.ToJsonString()).RootElement.ValueKind);
    }

    [Fact]
    public async Task TheExport_CarriesTheDocumentationPartsTheStagePublishes()
    {
        var (_, text) = await ExportAsync("oas30");
        var document = Read(text, "json");

        Assert.Equal(DocumentationOf("GreetingApiDocumentation")["info"]!["description"]!.GetValue<string>(), document.Info.Description);
        Assert.Equal("GreetingApiDocs", document.Info.Version);
        var lambda1 = document.Paths["/lambda1"].Operations![HttpMethod.Post];
        Assert.Equal(DocumentationOf("Lambda1PostDocumentation")["summary"]!.GetValue<string>(), lambda1.Summary);
        Assert.Equal(DocumentationOf("Lambda1PostDocumentation")["description"]!.GetValue<string>(), lambda1.Description);
        Assert.Equal(DocumentationOf("GreetingRequestModelDocumentation")["description"]!.GetValue<string>(), document.Components!.Schemas!["GreetingRequest"].Description);
        Assert.Equal(DocumentationOf("Lambda1AuthorizerDocumentation")["description"]!.GetValue<string>(), document.Components.SecuritySchemes!["Lambda1Authorizer"].Description);
        Assert.Equal(DocumentationOf("ApiKeyHeaderDocumentation")["description"]!.GetValue<string>(), document.Components.SecuritySchemes["api_key"].Description);

        // The RESPONSE parts at path / are inherited by both routes' responses, each status its own.
        foreach (var path in document.Paths.Values)
        {
            var responses = path.Operations![HttpMethod.Post].Responses!;
            Assert.Equal(
                Template.OfType("AWS::ApiGateway::Method").First().Properties["MethodResponses"]!.AsArray().Select(response => response!["StatusCode"]!.GetValue<string>()),
                responses.Keys);
            Assert.Equal(DocumentationOf("Response429Documentation")["description"]!.GetValue<string>(), responses["429"].Description);
            Assert.Equal("#/components/schemas/Message", ((OpenApiSchemaReference)responses["403"].Content!["application/json"].Schema!).Reference.ReferenceV3);
        }
    }

    [Fact]
    public async Task WithExtensionsApigateway_TheSwaggerYamlExport_CarriesTheIntegrationsAuthorizersAndGatewayResponses()
    {
        var (meta, text) = await ExportAsync("swagger", "--parameters", "extensions=apigateway", "--accepts", "application/yaml");

        Assert.Equal("application/yaml", meta.GetProperty("contentType").GetString());
        Assert.StartsWith("swagger: '2.0'", text, StringComparison.Ordinal);
        var document = Read(text, "yaml");
        var json = JsonNode.Parse(Serialize(document))!;

        Assert.Equal($"{await RestApiIdAsync()}.execute-api.us-east-1.amazonaws.com", json["host"]!.GetValue<string>());
        Assert.Equal("/development", json["basePath"]!.GetValue<string>());
        Assert.Equal("HEADER", json["x-amazon-apigateway-api-key-source"]!.GetValue<string>());
        Assert.True(json["x-amazon-apigateway-request-validators"]!["GreetingRequestValidator"]!["validateRequestBody"]!.GetValue<bool>());
        Assert.Equal(
            Template.OfType("AWS::ApiGateway::GatewayResponse").Select(response => response.Properties["ResponseType"]!.GetValue<string>()).Order(StringComparer.Ordinal),
            json["x-amazon-apigateway-gateway-responses"]!.AsObject().Select(entry => entry.Key));
        Assert.Equal("'nosniff'", json["x-amazon-apigateway-gateway-responses"]!["DEFAULT_4XX"]!["responseParameters"]!["gatewayresponse.header.X-Content-Type-Options"]!.GetValue<string>());

        foreach (var (route, function, authorizerName, pool) in (ReadOnlySpan<(string, string, string, string)>)[
            ("/lambda1", "ExternalLambda1", "Lambda1Authorizer", "UserPool1Id"), ("/lambda2", "ExternalLambda2", "Lambda2Authorizer", "UserPool2Id")])
        {
            var operation = json["paths"]![route]!["post"]!;
            var integration = operation["x-amazon-apigateway-integration"]!;
            Assert.Equal("aws_proxy", integration["type"]!.GetValue<string>());
            Assert.Equal("POST", integration["httpMethod"]!.GetValue<string>());
            Assert.EndsWith($":function:secure-lambda-{function}/invocations", integration["uri"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("GreetingRequestValidator", operation["x-amazon-apigateway-request-validator"]!.GetValue<string>());

            var authorizer = json["securityDefinitions"]![authorizerName]!["x-amazon-apigateway-authorizer"]!;
            Assert.Equal("cognito_user_pools", authorizer["type"]!.GetValue<string>());
            Assert.Equal(
                $"arn:aws:cognito-idp:us-east-1:123456789012:userpool/{app.Outputs.GetProperty(pool).GetString()}",
                Assert.Single(authorizer["providerARNs"]!.AsArray())!.GetValue<string>());
        }

        // Swagger's body parameter is named after the model; the key header is API Gateway's api_key definition.
        var body = Assert.Single(json["paths"]!["/lambda1"]!["post"]!["parameters"]!.AsArray())!;
        Assert.Equal(("body", "GreetingRequest", true), (body["in"]!.GetValue<string>(), body["name"]!.GetValue<string>(), body["required"]!.GetValue<bool>()));
        Assert.Equal("x-api-key", json["securityDefinitions"]!["api_key"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheAwsCli_GetsAwsErrors_ForAnUnknownApiOrStage_AndForAnExportTypeOrAcceptItCannotHave()
    {
        var apiId = await RestApiIdAsync();

        var api = await FailAsync("--rest-api-id", "nosuchapi1", "--stage-name", Stage, "--export-type", "oas30");
        var stage = await FailAsync("--rest-api-id", apiId, "--stage-name", "production", "--export-type", "oas30");
        var type = await FailAsync("--rest-api-id", apiId, "--stage-name", Stage, "--export-type", "raml");
        var accepts = await FailAsync("--rest-api-id", apiId, "--stage-name", Stage, "--export-type", "oas30", "--accepts", "text/html");
        var extensions = await FailAsync("--rest-api-id", apiId, "--stage-name", Stage, "--export-type", "oas30", "--parameters", "extensions=everything");

        Assert.Contains("(NotFoundException) when calling the GetExport operation: Invalid API identifier specified", api, StringComparison.Ordinal);
        Assert.Contains("(NotFoundException) when calling the GetExport operation: Invalid stage identifier specified", stage, StringComparison.Ordinal);
        Assert.Contains("(BadRequestException) when calling the GetExport operation", type, StringComparison.Ordinal);
        Assert.Contains("(BadRequestException) when calling the GetExport operation", accepts, StringComparison.Ordinal);
        Assert.Contains("(BadRequestException) when calling the GetExport operation", extensions, StringComparison.Ordinal);
    }

    /// <summary>A compromised function wants the API's integrations and authorizers mapped out: its role grants no apigateway:GET.</summary>
    [Fact]
    public async Task ExportTheApi_AsAFunctionsRole_IsDeniedByIam()
    {
        var apiId = await RestApiIdAsync();
        using var output = new ExportFile();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AwsCli.RunAsync(
            app.Server.AwsEnvironmentFor("ExternalLambda1"),
            ["--endpoint-url", Endpoint, "apigateway", "get-export", "--rest-api-id", apiId, "--stage-name", Stage, "--export-type", "oas30", "--parameters", "extensions=apigateway", output.Path]));

        Assert.Contains("AccessDenied", error.Message, StringComparison.Ordinal);
        Assert.True(output.IsEmpty);
    }

    [Fact]
    public async Task TheDocsPage_OnTheApiHost_ServesTheExportWithLocalCloudAsTheServer_AndTheDevKeyFilledIn()
    {
        using var http = new HttpClient { BaseAddress = app.Address };

        using var page = await http.GetAsync(new Uri(ApiDocsEndpoints.DocsPath, UriKind.Relative), TestContext.Current.CancellationToken);
        using var document = await http.GetAsync(new Uri($"/_localcloud/openapi/{Stage}.json", UriKind.Relative), TestContext.Current.CancellationToken);
        using var script = await http.GetAsync(new Uri(ApiDocsEndpoints.DocsPath + "/scalar.js", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains($"_localcloud/openapi/{Stage}.json", html, StringComparison.Ordinal);
        Assert.Contains($"\"api_key\":{{\"value\":\"{LocalCloudServer.ClientApp1Key}\"}}", html, StringComparison.Ordinal);
        // The page's script is served from LocalCloud itself: no CDN, so it works offline.
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.DoesNotContain("cdn.jsdelivr.net", html, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        var openApi = Read(await document.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), "json");
        var server = Assert.Single(openApi.Servers!).Url!;
        Assert.Equal(new Uri(app.Address, Stage).ToString(), server);
        Assert.Equal(["Lambda1Authorizer", "Lambda2Authorizer", "api_key"], openApi.Components!.SecuritySchemes!.Keys.Order(StringComparer.Ordinal));

        // "Try it" sends what the page documents, to the server it names: the token, the key, a GreetingRequest.
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server + "/lambda1"))
        {
            Content = new StringContent("""{"name":"Ada"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(openApi.Components.SecuritySchemes["Lambda1Authorizer"].Name!, token);
        request.Headers.Add(openApi.Components.SecuritySchemes["api_key"].Name!, LocalCloudServer.ClientApp1Key);
        using var greeting = await app.Server.HttpWithoutApiKey.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, greeting.StatusCode);
    }

    [Fact]
    public async Task TheDocsDocument_OfAStageTheStackDoesNotHave_Is404_AndNeitherIsServedOnTheAwsEndpoint()
    {
        using var api = new HttpClient { BaseAddress = app.Address };
        using var aws = new HttpClient { BaseAddress = app.AwsEndpoint };

        using var unknown = await api.GetAsync(new Uri("/_localcloud/openapi/production.json", UriKind.Relative), TestContext.Current.CancellationToken);
        using var pageOnAws = await aws.GetAsync(new Uri(ApiDocsEndpoints.DocsPath, UriKind.Relative), TestContext.Current.CancellationToken);
        using var documentOnAws = await aws.GetAsync(new Uri($"/_localcloud/openapi/{Stage}.json", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("{\"message\":\"The stack has no stage production.\"}", await unknown.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        // On the AWS endpoint an unsigned request is what AWS answers it with, whatever its path.
        Assert.Equal(HttpStatusCode.Forbidden, pageOnAws.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", pageOnAws.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal(HttpStatusCode.Forbidden, documentOnAws.StatusCode);
    }

    /// <summary>
    /// The API inventory under version control: <c>docs/api/openapi.yaml</c> is the stage's documented export (oas30,
    /// YAML, no extensions), with the deployed stack's API id and region as server variables, so one document stands for
    /// every deployment. A change to the template's API without it fails here.
    /// </summary>
    [Fact]
    public async Task TheCheckedInOpenApiDocument_IsTheExportOfTheTemplatesApi()
    {
        var exported = Encoding.UTF8.GetString(await InventoryExportAsync());
        var path = Path.Combine(RepositoryFolder.Root, "docs", "api", "openapi.yaml");
        if (Environment.GetEnvironmentVariable(UpdateInventoryVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, exported, TestContext.Current.CancellationToken);
        }

        var checkedIn = File.Exists(path) ? (await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)).ReplaceLineEndings("\n") : "(missing)";
        Assert.True(
            checkedIn == exported,
            $"docs/api/openapi.yaml is not the export of the template's API. Regenerate it with\n  {UpdateInventoryVariable}=1 dotnet test --project SecureLambda.LocalCloud.Tests -- --filter-method \"*TheCheckedInOpenApiDocument*\"\nand commit it with the template change.");
        Read(checkedIn, "yaml");
    }

    /// <summary>The README's table of gateway answers against the gateway's own responses and the checked-in document.</summary>
    [Fact]
    public async Task TheReadmesTableOfGatewayAnswers_IsWhatTheGatewayAnswers_AndWhatTheDocumentDocuments()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryFolder.Root, "README.md"), TestContext.Current.CancellationToken);
        var rows = GatewayAnswerRows(readme);
        var builtIn = typeof(GatewayResponse).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(field => (GatewayResponse)field.GetValue(null)!)
            .Select(response => (response.StatusCode, response.Body))
            .ToHashSet();
        var document = Read(Encoding.UTF8.GetString(await InventoryExportAsync()), "yaml");
        var documented = document.Paths.Values
            .SelectMany(path => path.Operations!.Values)
            .SelectMany(operation => operation.Responses!.Keys)
            .Select(int.Parse)
            .Where(status => status >= 400)
            .ToHashSet();

        Assert.All(rows, row => Assert.True(builtIn.Contains(row), $"The README says the gateway answers {row.Status} {row.Body}; no gateway response of LocalCloud does."));
        Assert.All(builtIn, response => Assert.True(rows.Contains(response), $"The gateway answers {response.StatusCode} {response.Body}; the README's table does not say so."));
        Assert.Equal(documented.Order(), rows.Select(row => row.Status).Distinct().Order());
    }

    /// <summary>Each (status, body) of the README's "What the gateway answers" table; a row of two answers says both.</summary>
    private static HashSet<(int Status, string Body)> GatewayAnswerRows(string readme)
    {
        var table = readme[readme.IndexOf("**What the gateway answers**", StringComparison.Ordinal)..];
        table = table[table.IndexOf('|', StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n\n", StringComparison.Ordinal)];
        var rows = new HashSet<(int, string)>();
        foreach (var line in table.Split('\n').Skip(2))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            var statuses = Regex.Matches(cells[2], "[0-9]{3}").Select(match => int.Parse(match.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            var bodies = Regex.Matches(cells[3], "`(\\{\"message\":[^`]*\\})`").Select(match => match.Groups[1].Value).ToList();
            Assert.True(statuses.Count == bodies.Count && statuses.Count > 0, $"The README row \"{line}\" should pair each status with its body.");
            rows.UnionWith(statuses.Zip(bodies));
        }

        return rows;
    }

    private const string UpdateInventoryVariable = "SECURELAMBDA_UPDATE_API_INVENTORY";

    /// <summary>The stage's documented export as the inventory keeps it: servers by variables, not by this run's API id.</summary>
    private async Task<byte[]> InventoryExportAsync()
    {
        var stack = await app.Server.Services.GetRequiredService<IProvisionedStackAccessor>().Stack;
        var server = new OpenApiServer
        {
            Url = "https://{restApiId}.execute-api.{region}.amazonaws.com/{basePath}",
            Variables = new Dictionary<string, OpenApiServerVariable>(StringComparer.Ordinal)
            {
                ["restApiId"] = new() { Default = "restApiId", Description = "The GreetingApi resource's physical id, the first label of the host in the stack's ApiUrl output." },
                ["region"] = new() { Default = "eu-west-1", Description = "The stack's region." },
                ["basePath"] = new() { Default = "/" + Stage },
            },
        };
        return ApiExporter.Export(stack, await RestApiIdAsync(), Stage, "oas30", new Dictionary<string, string>(), ApiExporter.Yaml, [server]).Body;
    }

    private async Task<string> RestApiIdAsync() =>
        Assert.Single((await AwsCli.RunAsync("--endpoint-url", Endpoint, "apigateway", "get-rest-apis")).GetProperty("items").EnumerateArray()).GetProperty("id").GetString()!;

    /// <summary><c>aws apigateway get-export</c> of the stage into a file: what the CLI prints and what the file holds.</summary>
    private async Task<(JsonElement Meta, string Text)> ExportAsync(string exportType, params string[] options)
    {
        using var output = new ExportFile();
        var meta = await AwsCli.RunAsync(
            ["--endpoint-url", Endpoint, "apigateway", "get-export", "--rest-api-id", await RestApiIdAsync(), "--stage-name", Stage, "--export-type", exportType, .. options, output.Path]);
        return (meta, await File.ReadAllTextAsync(output.Path, TestContext.Current.CancellationToken));
    }

    private async Task<string> FailAsync(params string[] arguments)
    {
        using var output = new ExportFile();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AwsCli.RunAsync(["--endpoint-url", Endpoint, "apigateway", "get-export", .. arguments, output.Path]));
        return error.Message;
    }

    /// <summary>The file <c>get-export</c> writes its document to, in a folder of its own that goes with it.</summary>
    private sealed class ExportFile : IDisposable
    {
        private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("securelambda-export-");

        public string Path => System.IO.Path.Combine(_folder.FullName, "export");

        /// <summary>Nothing was written to it.</summary>
        public bool IsEmpty => !File.Exists(Path) || new FileInfo(Path).Length == 0;

        public void Dispose() => _folder.Delete(recursive: true);
    }

    /// <summary>The document as Microsoft.OpenApi reads it, failing on any error it reports.</summary>
    internal static OpenApiDocument Read(string text, string format)
    {
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        var result = OpenApiDocument.Parse(text, format, settings);
        Assert.Empty(result.Diagnostic?.Errors ?? []);
        return Assert.IsType<OpenApiDocument>(result.Document);
    }

    private static string Serialize(OpenApiDocument document)
    {
        using var text = new StringWriter();
        document.SerializeAsV2(new OpenApiJsonWriter(text));
        return text.ToString();
    }

    private static string Extension(IDictionary<string, IOpenApiExtension>? extensions, string name)
    {
        using var text = new StringWriter();
        extensions![name].Write(new OpenApiJsonWriter(text), OpenApiSpecVersion.OpenApi3_0);
        return text.ToString();
    }

    private static List<string> SchemesOf(OpenApiDocument document, string path) =>
        [.. Assert.Single(document.Paths[path].Operations![HttpMethod.Post].Security!).Keys.Select(scheme => scheme.Reference.Id!).Order(StringComparer.Ordinal)];

    private static JsonNode DocumentationOf(string logicalId) =>
        JsonNode.Parse(Template.Resource(logicalId).Properties["Properties"]!.GetValue<string>())!;
}
