using System.Net;
using SecureLambda.LocalCloud.Tests.ApiGateway;
using SecureLambda.LocalCloud.Tests.Provisioning;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Iam;

/// <summary>ExternalLambda1's permission scoped to another method (GET): the stage's POST may no longer invoke it.</summary>
public sealed class MisScopedPermissionLocalCloudApp() : LocalCloudApp(new() { ["LocalCloud:TemplatePath"] = Template })
{
    private static readonly string Template = TemplateVariant.Write(ProvisioningFixture.TemplatePath, "get-permission", template => template
        .ReplaceOnce("${GreetingApi}/${StageName}/POST/lambda1", "${GreetingApi}/${StageName}/GET/lambda1"));
}

/// <summary>
/// The functions' <c>AWS::Lambda::Permission</c>s, their resource-based policy: API Gateway invokes a function only
/// for the method its permission names, else the method answers 500 "Internal server error" and the function never
/// runs. https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway.html
/// </summary>
public sealed class LambdaPermissionTests(MisScopedPermissionLocalCloudApp app) : IClassFixture<MisScopedPermissionLocalCloudApp>
{
    [Fact]
    public async Task AMethodThePermissionDoesNotName_Is500_AndTheFunctionNeverRuns_WhileAnotherMethodStillWorks()
    {
        var user1 = await app.SignInAsync(LocalCloudApp.User1, "UserPool1ClientId");
        var user2 = await app.SignInAsync(LocalCloudApp.User2, "UserPool2ClientId");
        var before = app.Lambda1.Events;

        using var refused = await app.PostAsync("/development/lambda1", user1);
        using var allowed = await app.PostAsync("/development/lambda2", user2);

        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        Assert.Equal("{\"message\": \"Internal server error\"}", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(before, app.Lambda1.Events);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }
}
