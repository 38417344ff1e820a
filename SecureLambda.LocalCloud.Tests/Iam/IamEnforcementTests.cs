using System.Net.Http.Json;
using SecureLambda.Aws.LocalCloud;
using SecureLambda.LocalCloud.Tests.ApiGateway;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Iam;

/// <summary>
/// The template's own policies, enforced on the functions' calls through the AWS endpoint, with the AWS CLI as each
/// function's role session: what a role may not do is refused with the error AWS gives for that service's protocol,
/// before the engine sees it. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
/// </summary>
public sealed class IamEnforcementTests(LocalCloudApp app) : IClassFixture<LocalCloudApp>
{
    private const string SecretName = "LambdaSNSTopicARN";

    private string Endpoint => app.AwsEndpoint.ToString().TrimEnd('/');

    private string TopicArn => app.Outputs.GetProperty("TopicArn").GetString()!;

    private IReadOnlyDictionary<string, string> RoleSessionOf(string logicalId) => app.Server.AwsEnvironmentFor(logicalId);

    private async Task<string> RefusalAsync(string function, params string[] args) =>
        (await Assert.ThrowsAsync<InvalidOperationException>(() => AwsCli.RunAsync(RoleSessionOf(function), ["--endpoint-url", Endpoint, .. args]))).Message;

    [Fact]
    public async Task ExternalLambda1_ReadsItsSecret_AndPublishesTheGreeting_AsItsRoleAllows()
    {
        var secret = await AwsCli.RunAsync(RoleSessionOf("ExternalLambda1"), ["--endpoint-url", Endpoint, "secretsmanager", "get-secret-value", "--secret-id", SecretName]);
        var published = await AwsCli.RunAsync(RoleSessionOf("ExternalLambda1"), ["--endpoint-url", Endpoint, "sns", "publish", "--topic-arn", TopicArn, "--message", "Ada"]);

        Assert.Contains(TopicArn, secret.GetProperty("SecretString").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(published.GetProperty("MessageId").GetString()));
    }

    /// <summary>JSON services answer <c>AccessDeniedException</c>, naming the session, the action and the secret's ARN (a name resolves to it).</summary>
    [Fact]
    public async Task ReadTheSecret_AsInternalLambdasRole_IsAccessDenied_NoIdentityPolicyAllowsIt()
    {
        var error = await RefusalAsync("InternalLambda", "secretsmanager", "get-secret-value", "--secret-id", SecretName);

        Assert.Matches(
            @"\(AccessDeniedException\) when calling the GetSecretValue operation: User: arn:aws:sts::123456789012:assumed-role/[^/ ]+InternalLambdaRole[^/ ]*/secure-lambda-InternalLambda is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:LambdaSNSTopicARN-\w{6} because no identity-based policy allows the secretsmanager:GetSecretValue action",
            error);
    }

    /// <summary>
    /// SNS answers <c>AuthorizationError</c>. The topic policy's Deny for every principal but the two external roles
    /// (<c>ArnNotEquals aws:PrincipalArn</c>) is explicit, so it would win over any Allow of the role.
    /// </summary>
    [Fact]
    public async Task Publish_AsInternalLambdasRole_IsAnAuthorizationError_TheTopicPolicyDeniesIt()
    {
        var error = await RefusalAsync("InternalLambda", "sns", "publish", "--topic-arn", TopicArn, "--message", "Mallory");

        Assert.Contains("(AuthorizationError) when calling the Publish operation: User: arn:aws:sts::123456789012:assumed-role/", error, StringComparison.Ordinal);
        Assert.Contains($"is not authorized to perform: SNS:Publish on resource: {TopicArn} with an explicit deny in a resource-based policy", error, StringComparison.Ordinal);
    }

    /// <summary>A function calling another past the gateway: no role of the template has <c>lambda:InvokeFunction</c>.</summary>
    [Fact]
    public async Task InvokeAnotherFunction_AsExternalLambda1sRole_IsAccessDenied_AndItNeverRuns()
    {
        var before = app.Lambda2.Events;
        var outFile = Path.Combine(Path.GetTempPath(), $"invoke-{Guid.NewGuid():N}.json");

        var error = await RefusalAsync("ExternalLambda1", "lambda", "invoke", "--function-name", "ExternalLambda2", outFile);

        Assert.Contains("(AccessDeniedException) when calling the Invoke operation: User: arn:aws:sts::123456789012:assumed-role/", error, StringComparison.Ordinal);
        Assert.Contains("is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:secure-lambda-ExternalLambda2 because no identity-based policy allows the lambda:InvokeFunction action", error, StringComparison.Ordinal);
        Assert.Equal(before, app.Lambda2.Events);
        Assert.False(File.Exists(outFile));
    }

    [Fact]
    public async Task ACallLocalCloudCannotMapToAnAction_IsDenied_SayingItCouldNotBeEvaluated()
    {
        var error = await RefusalAsync("ExternalLambda1", "dynamodb", "list-tables");

        Assert.Contains("(AccessDeniedException) when calling the ListTables operation: User: arn:aws:sts::123456789012:assumed-role/", error, StringComparison.Ordinal);
        Assert.Contains("is not authorized to perform: dynamodb:ListTables on resource: * because LocalCloud cannot evaluate it", error, StringComparison.Ordinal);
    }

    /// <summary>"No permissions are required to perform this operation." https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html</summary>
    [Fact]
    public async Task GetCallerIdentity_NeedsNoPermission()
    {
        var identity = await AwsCli.RunAsync(RoleSessionOf("InternalLambda"), ["--endpoint-url", Endpoint, "sts", "get-caller-identity"]);

        Assert.Equal("123456789012", identity.GetProperty("Account").GetString());
    }

    [Fact]
    public async Task EveryDeny_IsCountedOnItsRole_WithAwsMessage_InTheStackView()
    {
        await RefusalAsync("InternalLambda", "secretsmanager", "describe-secret", "--secret-id", SecretName);

        var view = await app.Http.GetFromJsonAsync(LocalCloudClient.StackPath, LocalCloudJsonContext.Default.EmulatedStack, TestContext.Current.CancellationToken);

        var role = Assert.Single(view!.IamDecisions, decisions => decisions.LogicalResourceId == "InternalLambdaRole");
        Assert.True(role.Denied >= 1);
        Assert.Contains("is not authorized to perform: secretsmanager:", role.LastDenied, StringComparison.Ordinal);
    }
}
