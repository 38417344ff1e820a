using System.Net;
using System.Net.Http.Json;
using SecureLambda.Aws.LocalCloud;
using SecureLambda.Testing;

namespace SecureLambda.IntegrationTests.Bootstrap;

/// <summary>The production template, which the variants below change in one place each.</summary>
file static class Templates
{
    public static string Production => Path.Combine(RepositoryFolder.Root, "cloudformation", "secure-lambda.yaml");
}

/// <summary>
/// ExternalLambda2 may not publish: its role loses the <c>PublishGreeting</c> statement, and the topic policy no longer
/// names it. Both must go, as in AWS: in one account, a resource policy that names the role allows on its own.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
/// </summary>
public sealed class StackWhereExternalLambda2MayNotPublish : LocalCloudWithFunctions
{
    private static readonly string Template = TemplateVariant.Write(Templates.Production, "no-publish", template => template
        .ReplaceOnce(
            "              - Sid: PublishGreeting\n                Effect: Allow\n                Action: sns:Publish\n                Resource: !Ref GreetingTopic\n\n  InternalLambdaRole:",
            "\n  InternalLambdaRole:")
        .ReplaceOnce(
            "                - !GetAtt ExternalLambda1Role.Arn\n                - !GetAtt ExternalLambda2Role.Arn\n            Action: sns:Publish\n            Resource: !Ref GreetingTopic\n          - Sid: DenyPublishByAnyoneElse",
            "                - !GetAtt ExternalLambda1Role.Arn\n            Action: sns:Publish\n            Resource: !Ref GreetingTopic\n          - Sid: DenyPublishByAnyoneElse"));

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["LocalCloud:TemplatePath"] = Template };

    protected override async Task<(MotoServer? Engine, string? WhyUnavailable)> StartEngineAsync(CancellationToken cancellationToken) =>
        (await MotoServer.StartAsync(cancellationToken), null);
}

/// <summary>The external functions may read a secret, but another one than the stack's: both roles' statement points elsewhere.</summary>
public sealed class StackWhereTheSecretPermissionNamesAnotherSecret : LocalCloudWithFunctions
{
    private static readonly string Template = TemplateVariant.Write(Templates.Production, "other-secret", template => template.Replace(
        "Action: secretsmanager:GetSecretValue\n                Resource: !Ref TopicArnSecret",
        "Action: secretsmanager:GetSecretValue\n                Resource: !Sub arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:AnotherSecret-??????",
        StringComparison.Ordinal));

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["LocalCloud:TemplatePath"] = Template };

    protected override async Task<(MotoServer? Engine, string? WhyUnavailable)> StartEngineAsync(CancellationToken cancellationToken) =>
        (await MotoServer.StartAsync(cancellationToken), null);
}

/// <summary>What IAM denies a function locally, it would deny in AWS: the real bootstrap on template variants.</summary>
public sealed class LeastPrivilegeTests(StackWhereExternalLambda2MayNotPublish noPublish, StackWhereTheSecretPermissionNamesAnotherSecret otherSecret)
    : IClassFixture<StackWhereExternalLambda2MayNotPublish>, IClassFixture<StackWhereTheSecretPermissionNamesAnotherSecret>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PublishWithoutPermission_Is500FromTheFunction_ItsLogShowsAuthorizationError_AndNothingIsPublished()
    {
        var user2 = await noPublish.Server.SignInAsync(LocalCloudServer.User2, "UserPool2ClientId");
        var user1 = await noPublish.Server.SignInAsync(LocalCloudServer.User1, "UserPool1ClientId");

        using var refused = await noPublish.Server.PostAsync("/development/lambda2", user2, "{\"name\":\"Grace\"}");
        var log = await noPublish.Functions["ExternalLambda2"].WaitForLineAsync(line => line.Contains("AuthorizationError", StringComparison.Ordinal), Timeout, TestContext.Current.CancellationToken);
        using var allowed = await noPublish.Server.PostAsync("/development/lambda1", user1, "{\"name\":\"Ada\"}");

        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        Assert.Contains("is not authorized to perform: SNS:Publish", log, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        // The topic delivers in order: once Ada's greeting is logged, Grace's would stand before it.
        var first = await noPublish.InternalLambda.WaitForLineAsync(
            line => line.Contains("Hello Ada", StringComparison.Ordinal) || line.Contains("Hello Grace", StringComparison.Ordinal),
            Timeout, TestContext.Current.CancellationToken);
        Assert.Contains("Hello Ada", first, StringComparison.Ordinal);
        Assert.Contains(await DenialsAsync(noPublish, "ExternalLambda2Role"), denial => denial.Contains("SNS:Publish", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAnotherSecretsPermission_IsDeniedAtGetSecretValue()
    {
        var user1 = await otherSecret.Server.SignInAsync(LocalCloudServer.User1, "UserPool1ClientId");

        using var refused = await otherSecret.Server.PostAsync("/development/lambda1", user1, "{\"name\":\"Ada\"}");
        var log = await otherSecret.Functions["ExternalLambda1"].WaitForLineAsync(line => line.Contains("AccessDeniedException", StringComparison.Ordinal), Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        Assert.Contains("is not authorized to perform: secretsmanager:GetSecretValue", log, StringComparison.Ordinal);
        Assert.Contains(await DenialsAsync(otherSecret, "ExternalLambda1Role"), denial => denial.Contains("secretsmanager:GetSecretValue", StringComparison.Ordinal));
    }

    private static async Task<IReadOnlyList<string>> DenialsAsync(LocalCloudWithFunctions stack, string role)
    {
        var view = await stack.Server.Http.GetFromJsonAsync(LocalCloudClient.StackPath, LocalCloudJsonContext.Default.EmulatedStack, TestContext.Current.CancellationToken);
        return [.. view!.IamDecisions.Where(decisions => decisions.LogicalResourceId == role && decisions.Denied > 0).Select(decisions => decisions.LastDenied!)];
    }
}
