extern alias AppHost;

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using SecureLambda.CloudFormation;
using ApiRoutes = AppHost::SecureLambda.AppHost.Hosting.ApiRoutes;
using LambdaFunctionResource = AppHost::SecureLambda.AppHost.Hosting.LambdaFunctionResource;
using LocalCloudStackResource = AppHost::SecureLambda.AppHost.Hosting.LocalCloudStackResource;
using MotoResource = AppHost::SecureLambda.AppHost.Hosting.MotoResource;
using ResourceNames = AppHost::SecureLambda.AppHost.Hosting.ResourceNames;
using StackTemplateResource = AppHost::SecureLambda.AppHost.Hosting.StackTemplateResource;

namespace SecureLambda.IntegrationTests.AppHost;

/// <summary>
/// The AppHost's application model as <c>Program.cs</c> declares it, checked without starting anything: the stack as the
/// parent of every template resource, each function as the parent of its process, one dev user per pool, the engine
/// handed to every process by one reference, and the commands on the resources they act on.
/// </summary>
public sealed class StackModelTests(AppHostModel model) : IClassFixture<AppHostModel>
{
    private static readonly CloudFormationTemplate Template =
        CloudFormationTemplate.Load(Path.Combine(AppContext.BaseDirectory, "cloudformation", "secure-lambda.yaml"));

    private IResourceCollection Resources => model.Resources;


    [Fact]
    public void TheStack_IsTheParentOfEveryTemplateResource_NamedByItsLogicalId_WithItsType()
    {
        var stack = Assert.Single(Resources.OfType<LocalCloudStackResource>());
        Assert.Equal(ResourceNames.Stack, stack.Name);

        var children = Resources.OfType<StackTemplateResource>().ToList();
        Assert.Equal(Template.Resources.Keys, children.Select(child => child.Name));
        foreach (var child in children)
        {
            Assert.Equal(Template.Resources[child.Name].Type, child.Type);
            Assert.Same(stack, ParentOf(child));
        }
    }

    [Fact]
    public void EachFunction_IsTheParentOfItsOneProcess_AndEveryFunctionOfTheTemplateHasOne()
    {
        var functions = Resources.OfType<LambdaFunctionResource>().ToList();

        Assert.Equal(Template.OfType("AWS::Lambda::Function").Select(function => function.LogicalId), functions.Select(function => function.Name));
        Assert.Equal(
            [ExpectedNames.ExternalLambda1, ExpectedNames.ExternalLambda2, ExpectedNames.InternalLambda],
            functions.Select(function => Assert.Single(function.Environments).Name));
        foreach (var function in functions)
        {
            Assert.Same(function, ParentOf(function.Environments[0]));
        }
    }

    [Fact]
    public async Task LocalCloud_AloneCallsTheEngine_AndStartsAfterIt()
    {
        var engine = Assert.IsType<MotoResource>(Resources.Single(resource => resource.Name == ResourceNames.Engine));
        var localCloud = Resources.OfType<ProjectResource>().Single(resource => resource.Name == ResourceNames.LocalCloud);

        // In publish mode the values are the manifest's expressions: where they point, not what they hold.
        var variables = await ManifestEnvironmentAsync(localCloud);

        Assert.Equal("{aws.bindings.http.url}", variables["AWS_ENDPOINT_URL"]);
        Assert.Equal("{aws.bindings.http.url}", variables["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"]);
        Assert.Equal(("us-east-1", "us-east-1"), (variables["AWS_REGION"], variables["AWS_DEFAULT_REGION"]));
        Assert.Contains(localCloud.Annotations.OfType<WaitAnnotation>(), wait => wait.Resource == engine && wait.WaitType == WaitType.WaitUntilStarted);
    }

    /// <summary>
    /// Lambda hands each function its execution role's session (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html):
    /// locally a session of its own, which LocalCloud is told too, and the stack's AWS endpoint, never the engine.
    /// </summary>
    [Fact]
    public async Task EachFunction_CallsAwsThroughTheStacksEndpoint_WithARoleSessionOfItsOwn_ThatLocalCloudKnows()
    {
        var localCloud = await ManifestEnvironmentAsync(Resources.OfType<ProjectResource>().Single(resource => resource.Name == ResourceNames.LocalCloud));
        var keys = new HashSet<string>();
        foreach (var function in Resources.OfType<LambdaFunctionResource>())
        {
            var variables = await ManifestEnvironmentAsync(Assert.Single(function.Environments));

            Assert.Equal("{localcloud.bindings.aws.url}", variables["AWS_ENDPOINT_URL"]);
            Assert.DoesNotContain("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", variables.Keys);
            Assert.StartsWith("ASIA", variables["AWS_ACCESS_KEY_ID"], StringComparison.Ordinal);
            Assert.True(keys.Add(variables["AWS_ACCESS_KEY_ID"]), $"{function.Name} shares its access key with another function.");
            var prefix = $"LocalCloud__Lambda__Credentials__{function.Name}__";
            Assert.Equal(
                (variables["AWS_ACCESS_KEY_ID"], variables["AWS_SECRET_ACCESS_KEY"], variables["AWS_SESSION_TOKEN"]),
                (localCloud[prefix + "AccessKeyId"], localCloud[prefix + "SecretAccessKey"], localCloud[prefix + "SessionToken"]));
        }
    }

    [Fact]
    public async Task WithDevUsers_MakesOneUserPerPool_WithAPasswordParameterOfItsOwn_TellingLocalCloudWhichPool()
    {
        var localCloud = Resources.OfType<ProjectResource>().Single(resource => resource.Name == ResourceNames.LocalCloud);
        var pools = Template.OfType("AWS::Cognito::UserPool").Select(pool => pool.LogicalId).ToList();

        var variables = await ManifestEnvironmentAsync(localCloud);

        Assert.Equal(["MyUserPool1", "MyUserPool2"], pools);
        for (var index = 0; index < pools.Count; index++)
        {
            var user = $"user{index + 1}";
            var parameter = Assert.IsType<ParameterResource>(Resources.Single(resource => resource.Name == $"{user}-password"));
            Assert.True(parameter.Secret);
            Assert.Equal($"{user}@example.com", variables[$"LocalCloud__DevUsers__{index}__Email"]);
            Assert.Equal(pools[index], variables[$"LocalCloud__DevUsers__{index}__UserPool"]);
            Assert.Equal($"{{{user}-password.value}}", variables[$"LocalCloud__DevUsers__{index}__Password"]);
            var pool = Resources.Single(resource => resource.Name == pools[index]);
            Assert.Equal([$"get-id-token-{user}"], pool.Annotations.OfType<ResourceCommandAnnotation>().Select(command => command.Name));
        }
    }

    [Fact]
    public void TheGreetingCommands_SitOnTheApi_OnePerRouteAsItsPoolsUser_AndOneAsTheOtherPoolsUser()
    {
        var api = Resources.Single(resource => resource.Name == "GreetingApi");

        Assert.Equal(
            [
                "Send greeting as user1 → /lambda1",
                "Send greeting as user2 → /lambda1 (expect 401)",
                "Send greeting as user2 → /lambda2",
                "Send greeting as user1 → /lambda2 (expect 401)",
            ],
            api.Annotations.OfType<ResourceCommandAnnotation>().Select(command => command.DisplayName));
        Assert.DoesNotContain(Resources.Single(resource => resource.Name == ResourceNames.LocalCloud).Annotations, annotation => annotation is ResourceCommandAnnotation);
    }

    /// <summary>
    /// Aspire warns at start, in the log and as a red bar in the dashboard, when a resource uses TLS and no development
    /// certificate is trusted. No process of the stack serves HTTPS, so nothing may ask for the certificate.
    /// </summary>
    [Fact]
    public void NoResource_AsksForTheHttpsDevelopmentCertificate()
    {
// The annotations Aspire's own check reads are marked for evaluation, as WithoutHttpsCertificate is (see the AppHost's project file).
#pragma warning disable ASPIRECERTIFICATES001
        foreach (var resource in Resources)
        {
            Assert.DoesNotContain(resource.Annotations.OfType<EndpointAnnotation>(), endpoint => endpoint.UriScheme == "https");
            if (resource.Annotations.OfType<HttpsCertificateConfigurationCallbackAnnotation>().Any())
            {
                var certificate = resource.Annotations.OfType<HttpsCertificateAnnotation>().LastOrDefault();
                Assert.True(certificate is { UseDeveloperCertificate: false, Certificate: null }, $"{resource.Name} would use the HTTPS development certificate.");
            }
        }
#pragma warning restore ASPIRECERTIFICATES001
    }

    /// <summary>
    /// <c>dotnet run --no-build</c>, Aspire's own launch of a project, evaluates the project with MSBuild before the
    /// process exists; LocalCloud and the functions start from the assembly the AppHost's build put out instead.
    /// </summary>
    [Fact]
    public async Task LocalCloudAndEachFunction_StartFromTheirBuildsAssembly_InTheirProjectFolder()
    {
        var processes = Resources.OfType<ProjectResource>().Where(resource =>
            resource.Name == ResourceNames.LocalCloud || resource.GetProjectMetadata().ProjectPath.EndsWith("SecureLambda.Functions.csproj", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, processes.Count);

        foreach (var process in processes)
        {
            var projectPath = process.GetProjectMetadata().ProjectPath;
            var executable = Assert.Single(process.Annotations.OfType<ExecutableAnnotation>());
            Assert.Equal(("dotnet", Path.GetDirectoryName(projectPath)), (executable.Command, executable.WorkingDirectory));
            var assembly = Assert.Single(await ArgumentsAsync(process));
            Assert.Equal(Path.Combine(Path.GetDirectoryName(projectPath)!, "bin"), Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(assembly))));
            Assert.Equal(Path.GetFileNameWithoutExtension(projectPath) + ".dll", Path.GetFileName(assembly));
            Assert.True(File.Exists(assembly), $"{process.Name} would start {assembly}, which the build did not put out.");
        }
    }

    /// <summary>
    /// An IDE's debug session launches the projects itself, to attach to them, and a publish writes the projects as they
    /// are, with no local path in the manifest: Aspire's launch stays.
    /// </summary>
    [Theory]
    [InlineData("--DEBUG_SESSION_PORT=localhost:1")]
    [InlineData("--operation=publish")]
    public async Task UnderAnIdesDebugSession_OrInAPublish_TheProjectsKeepAspiresLaunch(string setting)
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<AppHost::Projects.SecureLambda_AppHost>(
            [setting], TestContext.Current.CancellationToken);
        Assert.Equal(
            setting.StartsWith("--operation", StringComparison.Ordinal) ? DistributedApplicationOperation.Publish : DistributedApplicationOperation.Run,
            builder.ExecutionContext.Operation);

        var localCloud = builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == ResourceNames.LocalCloud);
        Assert.Empty(localCloud.Annotations.OfType<ExecutableAnnotation>());
        Assert.Empty(await ArgumentsAsync(localCloud));
    }

    [Fact]
    public void CognitoRoutes_AreReadFromTheTemplate_PathsFromTheResourcesAndPoolsFromTheAuthorizers()
    {
        var routes = ApiRoutes.CognitoRoutes(Template);

        Assert.Equal(
            [("GreetingApi", "POST", "/lambda1", "MyUserPool1"), ("GreetingApi", "POST", "/lambda2", "MyUserPool2")],
            routes.Select(route => (route.RestApi, route.HttpMethod, route.Path, Assert.Single(route.UserPools))));
    }

    /// <summary>
    /// The resource's environment as the manifest would write it: each value a string, or the expression of what it
    /// refers to (<c>{aws.bindings.http.url}</c>), so nothing has to run for it.
    /// </summary>
    private static async Task<Dictionary<string, string>> ManifestEnvironmentAsync(ProjectResource resource)
    {
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish));
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return context.EnvironmentVariables.ToDictionary(
            variable => variable.Key,
            variable => variable.Value switch
            {
                string text => text,
                IManifestExpressionProvider expression => expression.ValueExpression,
                var other => other?.ToString() ?? string.Empty,
            });
    }

    private static async Task<List<string>> ArgumentsAsync(ProjectResource resource)
    {
        var arguments = new List<object>();
        var context = new CommandLineArgsCallbackContext(arguments, TestContext.Current.CancellationToken);
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return arguments.Select(argument => argument.ToString() ?? string.Empty).ToList();
    }

    private static IResource? ParentOf(IResource resource) =>
        resource.Annotations.OfType<ResourceRelationshipAnnotation>().SingleOrDefault(relationship => relationship.Type == "Parent")?.Resource;
}
