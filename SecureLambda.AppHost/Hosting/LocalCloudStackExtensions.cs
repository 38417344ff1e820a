using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SecureLambda.CloudFormation;

namespace SecureLambda.AppHost.Hosting;

/// <summary>
/// A CloudFormation template as a local stack: LocalCloud provisions it into the engine and serves what it emulates
/// (API Gateway, Lambda, WAF), every template resource shows in the dashboard under the stack, and each
/// <c>AWS::Lambda::Function</c> runs as processes of the binary that is deployed. Nothing of the template is repeated in C#.
/// </summary>
public static class LocalCloudStackExtensions
{
    /// <summary>LocalCloud's API port unless <c>LocalCloud:Port</c> says otherwise: the stage's invoke URL.</summary>
    public const int DefaultLocalCloudPort = 4567;

    /// <summary>
    /// The stack's AWS endpoint unless <c>LocalCloud:AwsPort</c> says otherwise: the port every local AWS tool expects,
    /// which the README's AWS CLI lines use.
    /// </summary>
    public const int DefaultAwsPort = 4566;

    /// <summary>The setting that replaces the template <see cref="AddLocalCloudStack"/> names.</summary>
    public const string TemplatePathSetting = "LocalCloud:TemplatePath";

    /// <summary>The name of LocalCloud's AWS endpoint, beside its <c>http</c> (API) endpoint.</summary>
    public const string AwsEndpointName = "aws";

    /// <summary>
    /// The stack <paramref name="name"/> (its <c>AWS::StackName</c>) from the template at <paramref name="templatePath"/>
    /// (relative to the AppHost's folder), or the one <c>LocalCloud:TemplatePath</c> names, with LocalCloud to provision and serve it. Template parameters, gateway
    /// options and the IAM mode pass through from <c>LocalCloud:Parameters</c>, <c>LocalCloud:Gateway</c> and <c>LocalCloud:Iam</c>.
    /// </summary>
    public static IResourceBuilder<LocalCloudStackResource> AddLocalCloudStack(this IDistributedApplicationBuilder builder, string name, string templatePath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // --LocalCloud:TemplatePath=other.yaml runs the whole stack on another template (relative to where it was typed).
        var path = builder.Configuration[TemplatePathSetting] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.GetFullPath(templatePath, builder.AppHostDirectory);
        var template = CloudFormationTemplate.Load(path);
        var port = builder.Configuration.GetValue("LocalCloud:Port", DefaultLocalCloudPort);
        var awsPort = builder.Configuration.GetValue("LocalCloud:AwsPort", DefaultAwsPort);
        var localCloud = builder.AddProject<Projects.SecureLambda_LocalCloud>(ResourceNames.LocalCloud, launchProfileName: null)
            .StartedFromBuildOutput()
            .WithHttpEndpoint(port: port, isProxied: false)
            .WithHttpEndpoint(port: awsPort, name: AwsEndpointName, isProxied: false)
            // Plain HTTP on loopback, like the functions: no process of the stack needs the HTTPS development
            // certificate, so Aspire neither hands one out nor warns at every start that none is trusted.
            .WithoutHttpsCertificate()
            .WithEnvironment("LocalCloud__TemplatePath", path)
            .WithEnvironment("LocalCloud__StackName", name)
            .WithEnvironment("LocalCloud__ApiBaseUrl", string.Create(CultureInfo.InvariantCulture, $"http://localhost:{port}"))
            .WithEnvironment("LocalCloud__AwsEndpoint__Port", awsPort.ToString(CultureInfo.InvariantCulture))
            // Lambda's asynchronous events outlive a restart of LocalCloud, in the AppHost's build output (never committed).
            .WithEnvironment("LocalCloud__Lambda__EventQueuePath", Path.Combine(builder.AppHostDirectory, "obj", "localcloud", $"{name}.lambda-events.db"))
            .WithHttpHealthCheck("/health");
        foreach (var section in (string[])["Parameters", "Gateway", "Iam"])
        {
            foreach (var setting in builder.Configuration.GetSection($"LocalCloud:{section}").GetChildren())
            {
                localCloud.WithEnvironment($"LocalCloud__{section}__{setting.Key}", setting.Value);
            }
        }

        var stack = builder.AddResource(new LocalCloudStackResource(name, path, template, localCloud.Resource))
            .WithInitialState(StackDashboard.InitialStackState(path))
            .ExcludeFromManifest();
        foreach (var definition in template.Resources.Values)
        {
            var resource = definition.Type == StackDashboard.LambdaFunctionType
                ? new LambdaFunctionResource(definition, stack.Resource)
                : new StackTemplateResource(definition, stack.Resource);
            stack.Resource.TemplateResources.Add(resource);
            builder.AddResource(resource)
                .WithParentRelationship(stack)
                .WithInitialState(StackDashboard.InitialResourceState(definition))
                .ExcludeFromManifest();
        }

        builder.Services.TryAddSingleton<AppHostTracing>();
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Services.AddHostedService<StackDashboard>();
            builder.Services.AddHostedService<StartupTimeline>();
            builder.Services.AddHostedService<ExecutionEnvironmentsOutput>();
            DashboardCommands.WithFaultCommands(stack);
        }

        return stack;
    }

    /// <summary>
    /// Provisions the stack into <paramref name="engine"/>, which LocalCloud alone calls: everything else reaches it
    /// through the stack's AWS endpoint, where LocalCloud checks who calls what.
    /// </summary>
    public static IResourceBuilder<LocalCloudStackResource> WithReference(this IResourceBuilder<LocalCloudStackResource> stack, IResourceBuilder<IAwsEngineResource> engine)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(engine);
        stack.Resource.Engine = engine.Resource;
        stack.ApplicationBuilder.CreateResourceBuilder(stack.Resource.LocalCloud).WithReference(engine);
        return stack;
    }

    /// <summary>
    /// One dev user per <c>AWS::Cognito::UserPool</c>, in template order: <c>user1@example.com</c> in the first pool
    /// and so on, each with a password parameter <c>user1-password</c> (from user secrets or
    /// <c>Parameters:user1-password</c>, else generated once and kept). LocalCloud makes them exist with that password;
    /// the pool's resource gets a command that signs its user in.
    /// </summary>
    public static IResourceBuilder<LocalCloudStackResource> WithDevUsers(this IResourceBuilder<LocalCloudStackResource> stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var builder = stack.ApplicationBuilder;
        if (!builder.ExecutionContext.IsRunMode)
        {
            // Dev users exist only in the local stack: aspire deploy must neither ask for their passwords nor keep
            // them in its deployment state.
            return stack;
        }

        var localCloud = builder.CreateResourceBuilder(stack.Resource.LocalCloud);
        var pools = stack.Resource.Template.OfType("AWS::Cognito::UserPool").ToList();
        for (var index = 0; index < pools.Count; index++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"user{index + 1}");
            var password = builder.AddParameter(DevUserPasswordParameter(name), new GenerateParameterDefault { MinLength = 20 }, secret: true, persist: true);
            var user = new StackDevUserResource(name, $"{name}@example.com", pools[index].LogicalId, password.Resource);
            stack.Resource.DevUsers.Add(user);
            var prefix = string.Create(CultureInfo.InvariantCulture, $"LocalCloud__DevUsers__{index}__");
            localCloud
                .WithEnvironment(prefix + "Email", user.Email)
                .WithEnvironment(prefix + "UserPool", user.UserPool)
                .WithEnvironment(prefix + "Password", password);
            builder.CreateResourceBuilder(stack.Resource.TemplateResources.Single(resource => resource.LogicalId == user.UserPool))
                .WithSignInCommand(user);
        }

        DashboardCommands.WithGreetingCommands(stack);
        return stack;
    }

    /// <summary>The password parameter of a dev user: <c>user1-password</c> for <c>user1</c>.</summary>
    public static string DevUserPasswordParameter(string user) => $"{user}-password";

    /// <summary>
    /// Each <c>AWS::Lambda::Function</c> of the template as a process of <typeparamref name="TProject"/>, the very
    /// binary that is deployed, named after the logical id in kebab case (<c>external-lambda-1</c>) and shown under the
    /// function. Each polls its own Runtime API on LocalCloud with a fresh secret in its path that only it and
    /// LocalCloud know: in AWS the Runtime API is inside the function's sandbox, so no other process may take its
    /// events or answer them. It is configured as Lambda configures it (<see cref="StackFunctions.WithConfigurationOf"/>),
    /// and calls AWS as its execution role: through the stack's AWS endpoint, with a role session's credentials of its
    /// own that LocalCloud maps to the role (<see cref="StackFunctions.WithExecutionRoleSession"/>).
    /// That process is each function's first execution environment; LocalCloud starts more of the same binary as the
    /// function's invocations need them (<see cref="StackFunctions.WithExecutionEnvironmentsOf"/>), except under a
    /// debugger, where each function keeps its one environment, the process the IDE attached to.
    /// </summary>
    public static IResourceBuilder<LocalCloudStackResource> WithFunctionsFrom<TProject>(this IResourceBuilder<LocalCloudStackResource> stack)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(stack);
        var builder = stack.ApplicationBuilder;
        var localCloud = builder.CreateResourceBuilder(stack.Resource.LocalCloud);
        var runtimeApi = stack.Resource.LocalCloudEndpoint;
        var region = () => stack.Resource.Engine?.Region ?? Engine.DefaultRegion;
        localCloud.WithExecutionEnvironmentsOf(new TProject(), stack.Resource.Functions.Select(function => function.LogicalId));
        foreach (var function in stack.Resource.Functions)
        {
            var secret = RandomNumberGenerator.GetHexString(32, lowercase: true);
            localCloud.WithEnvironment($"LocalCloud__Lambda__RuntimeApiSecrets__{function.LogicalId}", secret);
            var environment = builder.AddProject<TProject>(StackFunctions.ResourceName(function.LogicalId), launchProfileName: null)
                .StartedFromBuildOutput()
                .WithParentRelationship(function)
                .WithoutHttpsCertificate()
                .WithEnvironment("AWS_LAMBDA_RUNTIME_API", ReferenceExpression.Create($"{runtimeApi.Property(EndpointProperty.HostAndPort)}/{function.LogicalId}/{secret}"))
                .WithConfigurationOf(function.LogicalId, stack.Resource.AwsEndpoint, region)
                .WithExecutionRoleSession(function.LogicalId, localCloud, stack.Resource.AwsEndpoint, region)
                // Started with LocalCloud rather than after its health: its configuration arrives once the stack is
                // provisioned, and the process then polls its Runtime API at once.
                .WaitForStart(localCloud);
            function.Environments.Add(environment.Resource);
        }

        return stack;
    }
}
