using Microsoft.Extensions.Configuration;
using SecureLambda.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

const string region = "us-east-1";
var enginePort = builder.Configuration.GetValue("Engine:Port", 4566);
var localCloudPort = builder.Configuration.GetValue("LocalCloud:Port", 4567);
var engineKind = Engine.KindFrom(builder.Configuration["Engine"]);
var externalEngineUrl = builder.Configuration["Engine:Url"];

// The engine: moto by default; a moto container (Engine=Container, its image from Engine:Image); LocalStack on request
// (a container of ours, or one already running at Engine:Url, as the Testcontainers-based tests start it), with Cognito
// kept on moto where LocalStack's tier lacks it.
IResourceBuilder<IResourceWithEndpoints>? engine = externalEngineUrl is { Length: > 0 } ? null : engineKind switch
{
    EngineKind.Container => builder.AddMotoContainer(ResourceNames.Engine, enginePort, builder.Configuration["Engine:Image"] is { Length: > 0 } image ? image : Engine.MotoImage),
    EngineKind.LocalStack => builder.AddLocalStack(ResourceNames.Engine, enginePort),
    _ => builder.AddMoto(ResourceNames.Engine, enginePort),
};
var cognitoEngine = engineKind == EngineKind.LocalStack || engine is null ? builder.AddMoto(ResourceNames.CognitoEngine, enginePort + 100) : null;
var engineUrl = engine is null
    ? ReferenceExpression.Create($"{externalEngineUrl!.TrimEnd('/')}")
    : ReferenceExpression.Create($"{engine.GetEndpoint("http")}");
var cognitoEndpoint = (cognitoEngine ?? engine)!.GetEndpoint("http");
var cognitoUrl = ReferenceExpression.Create($"{cognitoEndpoint}");

// The dev users' passwords: from user secrets or configuration (Parameters__user1-password), else generated once and kept.
var user1Password = builder.AddParameter(ResourceNames.User1Password, new GenerateParameterDefault { MinLength = 20 }, secret: true, persist: true);
var user2Password = builder.AddParameter(ResourceNames.User2Password, new GenerateParameterDefault { MinLength = 20 }, secret: true, persist: true);

// The stack's one template: LocalCloud provisions it, and the functions below are its AWS::Lambda::Function resources.
var templatePath = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "cloudformation", "secure-lambda.yaml"));
var localCloud = builder.AddProject<Projects.SecureLambda_LocalCloud>(ResourceNames.LocalCloud, launchProfileName: null)
    .WithHttpEndpoint(port: localCloudPort, isProxied: false)
    .WithEnvironment("LocalCloud__TemplatePath", templatePath)
    .WithAwsEngine(engineUrl, cognitoUrl, region)
    .WithEnvironment("LocalCloud__DevUsers__0__Password", user1Password)
    .WithEnvironment("LocalCloud__DevUsers__1__Password", user2Password)
    .WithEnvironment("LocalCloud__ApiBaseUrl", ReferenceExpression.Create($"http://localhost:{localCloudPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}"))
    .WithHttpHealthCheck("/health");
foreach (var dependency in new[] { engine, cognitoEngine }.OfType<IResourceBuilder<IResourceWithEndpoints>>())
{
    // Started with the engine rather than after its health check: LocalCloud waits for the engine to answer itself.
    localCloud.WaitForStart(dependency);
}

// Dashboard commands: sign a dev user in and send a greeting, each as one trace.
localCloud.WithGreetingCommands(cognitoEndpoint, region, user1Password, user2Password);

// Template parameters and gateway options pass through: --LocalCloud:Parameters:WafIpRuleAction=Block, for example.
foreach (var section in (string[])["Parameters", "Gateway"])
{
    foreach (var setting in builder.Configuration.GetSection($"LocalCloud:{section}").GetChildren())
    {
        localCloud.WithEnvironment($"LocalCloud__{section}__{setting.Key}", setting.Value);
    }
}

// The template's functions: the very binary that is deployed, one process per AWS::Lambda::Function, each polling its
// own Runtime API on LocalCloud and configured from the stack (Handler, name, Environment) by LocalCloud. Each gets a
// fresh secret in its Runtime API path, which only it and LocalCloud know: in AWS the Runtime API is inside the
// function's sandbox, so no other process may take its events or answer them.
var runtimeApi = localCloud.GetEndpoint("http");
foreach (var function in StackFunctions.LogicalIds(templatePath))
{
    var runtimeApiSecret = System.Security.Cryptography.RandomNumberGenerator.GetHexString(32, lowercase: true);
    localCloud.WithEnvironment($"LocalCloud__Lambda__RuntimeApiSecrets__{function}", runtimeApiSecret);
    builder.AddProject<Projects.SecureLambda_Functions>(StackFunctions.ResourceName(function), launchProfileName: null)
        .WithAwsEngine(engineUrl, cognitoUrl, region)
        .WithEnvironment("AWS_LAMBDA_RUNTIME_API", ReferenceExpression.Create($"{runtimeApi.Property(EndpointProperty.HostAndPort)}/{function}/{runtimeApiSecret}"))
        .WithConfigurationOf(function, runtimeApi, region)
        // Started with LocalCloud rather than after its health: its configuration arrives once the stack is
        // provisioned, and the process then polls its Runtime API at once.
        .WaitForStart(localCloud);
}

builder.AddAwsDeployment(templatePath);
builder.Build().Run();
