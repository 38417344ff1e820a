using System.Net;
using System.Text.RegularExpressions;

namespace SecureLambda.LocalCloud.Tests.ApiGateway;

/// <summary>
/// The deploy tool renames the API's Deployment to <c>GreetingApiDeployment{hash of the API}</c> so that the stage
/// follows every API change (SecureLambda.Deploy's ApiDeploymentRevision). LocalCloud must read that form of the
/// template too: the stage finds its deployment through <c>DeploymentId: !Ref …</c>, whatever the logical id.
/// </summary>
public sealed class RevisedDeploymentTemplateTests(RevisedDeploymentTemplateTests.RevisedTemplateApp app) : IClassFixture<RevisedDeploymentTemplateTests.RevisedTemplateApp>
{
    public sealed class RevisedTemplateApp : LocalCloudApp
    {
        public RevisedTemplateApp()
            : base(new() { ["LocalCloud:TemplatePath"] = RevisedTemplatePath })
        {
        }

        public static string RevisedTemplatePath { get; } = WriteRevisedTemplate();

        private static string WriteRevisedTemplate()
        {
            var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "cloudformation", "secure-lambda.yaml"));
            var revised = Regex.Replace(text, "(?<![A-Za-z0-9])GreetingApiDeployment(?![A-Za-z0-9])", "GreetingApiDeployment0a1b2c3d4e");
            var path = Path.Combine(Directory.CreateTempSubdirectory("securelambda-revised-template-").FullName, "secure-lambda.yaml");
            File.WriteAllText(path, revised);
            return path;
        }
    }

    [Fact]
    public async Task TheStageServesTheApi_WhenItsDeploymentCarriesARevisionHash()
    {
        Assert.Contains("GreetingApiDeployment0a1b2c3d4e:", await File.ReadAllTextAsync(RevisedTemplateApp.RevisedTemplatePath, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var token = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");

        using var response = await app.PostAsync("/development/lambda1", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
