using System.Net.Http.Json;
using SecureLambda.Aws.LocalCloud;
using SecureLambda.LocalCloud.Tests.ApiGateway;
using SecureLambda.Testing;

namespace SecureLambda.LocalCloud.Tests.Iam;

public sealed class AuditingLocalCloudApp() : LocalCloudApp(new() { ["LocalCloud:Iam:Mode"] = "Audit" });

public sealed class IamOffLocalCloudApp() : LocalCloudApp(new() { ["LocalCloud:Iam:Mode"] = "Off" });

/// <summary><c>LocalCloud:Iam:Mode</c>: Audit counts and logs what Enforce would deny, then allows it; Off decides nothing.</summary>
public sealed class IamModeTests(AuditingLocalCloudApp audit, IamOffLocalCloudApp off) : IClassFixture<AuditingLocalCloudApp>, IClassFixture<IamOffLocalCloudApp>
{
    [Fact]
    public async Task Audit_AllowsWhatEnforceWouldDeny_AndCountsItAsADeny()
    {
        var secret = await ReadTheSecretAsInternalLambdaAsync(audit);

        Assert.Contains("TOPIC_ARN", secret, StringComparison.Ordinal);
        var role = Assert.Single(await DecisionsAsync(audit), decisions => decisions.LogicalResourceId == "InternalLambdaRole");
        Assert.True(role.Denied >= 1);
        Assert.Contains("is not authorized to perform: secretsmanager:GetSecretValue", role.LastDenied, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Off_AllowsEveryVerifiedCall_AndDecidesNothing()
    {
        var secret = await ReadTheSecretAsInternalLambdaAsync(off);

        Assert.Contains("TOPIC_ARN", secret, StringComparison.Ordinal);
        Assert.Empty(await DecisionsAsync(off));
    }

    private static async Task<string> ReadTheSecretAsInternalLambdaAsync(LocalCloudApp app)
    {
        var answer = await AwsCli.RunAsync(app.Server.AwsEnvironmentFor("InternalLambda"), ["secretsmanager", "get-secret-value", "--secret-id", "LambdaSNSTopicARN"]);
        return answer.GetProperty("SecretString").GetString()!;
    }

    private static async Task<IReadOnlyList<RoleDecisions>> DecisionsAsync(LocalCloudApp app) =>
        (await app.Http.GetFromJsonAsync(LocalCloudClient.StackPath, LocalCloudJsonContext.Default.EmulatedStack, TestContext.Current.CancellationToken))!.IamDecisions;
}
