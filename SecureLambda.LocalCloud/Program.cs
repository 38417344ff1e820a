using SecureLambda.LocalCloud.ApiGateway;
using SecureLambda.LocalCloud.ApiGateway.Export;
using SecureLambda.LocalCloud.Authorizers;
using SecureLambda.LocalCloud.AwsEndpoint;
using SecureLambda.LocalCloud.DataPlane;
using SecureLambda.LocalCloud.Hosting;
using SecureLambda.LocalCloud.Lambda;
using SecureLambda.LocalCloud.Management;
using SecureLambda.LocalCloud.Provisioning;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddLoopbackHosting(builder.Configuration);
builder.Services.AddClientLimits(builder.Configuration, GatewayPipeline.MaxPayloadBytes);
builder.Services.AddStackProvisioning(builder.Configuration);
builder.Services.AddDataPlane();
builder.Services.AddLocalLambda();
builder.Services.AddCognitoAuthorizers();
builder.Services.AddApiGateway();
builder.Services.AddAwsEndpoint();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapLocalCloudOutputs();
app.MapApiDocs();
app.MapEmulatedStack();
app.MapLambdaRuntimeApi();
app.MapAwsEndpoint();
app.MapApiGateway();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory-style tests.</summary>
public partial class Program;
