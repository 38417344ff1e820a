extern alias AppHost;

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using SecureLambda.Testing;
using LambdaFunctionResource = AppHost::SecureLambda.AppHost.Hosting.LambdaFunctionResource;
using LocalCloudStackResource = AppHost::SecureLambda.AppHost.Hosting.LocalCloudStackResource;
using ResourceNames = AppHost::SecureLambda.AppHost.Hosting.ResourceNames;

namespace SecureLambda.IntegrationTests.AppHost;

/// <summary>
/// <c>dotnet run --project SecureLambda.AppHost -- --LocalCloud:TemplatePath=other.yaml</c> runs the whole stack on
/// another template: the tree, the function processes and LocalCloud all follow it, with no C# changed.
/// </summary>
public sealed class OtherTemplateTests
{
    [Fact]
    public async Task TheStack_FollowsTheTemplateTheCommandLineNames()
    {
        var original = await File.ReadAllTextAsync(Path.Combine(RepositoryFolder.Root, "cloudformation", "secure-lambda.yaml"), TestContext.Current.CancellationToken);
        // The same stack with InternalLambda's logical id renamed everywhere it is used.
        var variant = Path.Combine(Path.GetTempPath(), $"secure-lambda-renamed-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(variant, original.Replace("InternalLambda", "QuietLambda", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        try
        {
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<AppHost::Projects.SecureLambda_AppHost>(
                [$"--LocalCloud:TemplatePath={variant}"], TestContext.Current.CancellationToken);

            var stack = Assert.Single(builder.Resources.OfType<LocalCloudStackResource>());
            var functions = builder.Resources.OfType<LambdaFunctionResource>().Select(function => function.Name).ToList();
            var localCloud = builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == ResourceNames.LocalCloud);
            var environment = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish));
            foreach (var callback in localCloud.Annotations.OfType<EnvironmentCallbackAnnotation>())
            {
                await callback.Callback(environment);
            }

            Assert.Equal(variant, stack.TemplatePath);
            Assert.Equal(["ExternalLambda1", "ExternalLambda2", "QuietLambda"], functions);
            Assert.Contains(builder.Resources, resource => resource.Name == "quiet-lambda");
            Assert.Equal(variant, environment.EnvironmentVariables["LocalCloud__TemplatePath"]);
        }
        finally
        {
            File.Delete(variant);
        }
    }
}
