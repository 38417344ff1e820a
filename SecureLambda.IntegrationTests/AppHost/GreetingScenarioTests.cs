extern alias AppHost;

using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using ResourceNames = AppHost::SecureLambda.AppHost.Hosting.ResourceNames;
using static SecureLambda.IntegrationTests.AppHost.SecureLambdaApp;

namespace SecureLambda.IntegrationTests.AppHost;

/// <summary>The AppHost with its defaults (moto, Count-mode WAF, 50 rps): what the developer gets with one command.</summary>
public sealed class DefaultApp : SecureLambdaApp;

/// <summary>
/// The seed scenario table through the running AppHost: each user opens only their pool's route, with the exact
/// greeting; refusals are AWS's answers; and InternalLambda's own log shows which greetings crossed SNS.
/// </summary>
[Collection(AppHostCollectionDefinition.Name)]
public sealed partial class GreetingScenarioTests(DefaultApp stack) : IClassFixture<DefaultApp>
{
    private const string Unauthorized = "{\"message\":\"Unauthorized\"}";

    /// <summary>
    /// What the dashboard shows after one command: every resource's log, up to the moment the stack is ready. A normal
    /// start writes no error and no warning that a user would have to learn to ignore (the dashboard badges each one).
    /// </summary>
    [Fact]
    public void ANormalStart_WritesNoErrorAndNoWarning_InAnyResource()
    {
        var alarming = stack.StartLogs
            .SelectMany(log => log.Value.Select(line => (Resource: log.Key, Line: line)))
            .Where(entry => entry.Line.IsErrorMessage || AlarmingLevel().IsMatch(AnsiEscape().Replace(entry.Line.Content, string.Empty)))
            .Select(entry => $"{entry.Resource}: {entry.Line.Content}")
            .ToList();

        Assert.True(alarming.Count == 0, $"A normal start wrote {alarming.Count} error or warning lines:{Environment.NewLine}{string.Join(Environment.NewLine, alarming)}");
        Assert.Contains(stack.StartLogs[ResourceNames.LocalCloud], line => line.Content.Contains("provisioned", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The AppHost's start-up line times each process of the stack from the AppHost's own start, in the order the model
    /// makes them wait for one another: LocalCloud starts with the engine, each function with LocalCloud.
    /// </summary>
    [Fact]
    public async Task TheStartUpLine_TimesEveryProcessOfTheStack_InTheOrderTheyWaitForEachOther()
    {
        var record = await StartupLineAsync();

        var started = StartedAt().Matches(record.Message).ToDictionary(
            match => match.Groups["process"].Value,
            match => double.Parse(match.Groups["seconds"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal([ResourceNames.Engine, ResourceNames.LocalCloud, ExpectedNames.ExternalLambda1, ExpectedNames.ExternalLambda2, ExpectedNames.InternalLambda], started.Keys);
        // Here the AppHost runs in the test process, which may have started long before this class's app: each process
        // started after it and before the line was written (the line rounds to 0.01 s).
        using var testProcess = System.Diagnostics.Process.GetCurrentProcess();
        var processAge = (record.Timestamp - testProcess.StartTime.ToUniversalTime()).TotalSeconds;
        Assert.All(started.Values, seconds => Assert.InRange(seconds, 0, processAge + 0.01));
        Assert.True(started[ResourceNames.LocalCloud] >= started[ResourceNames.Engine], record.Message);
        Assert.All([ExpectedNames.ExternalLambda1, ExpectedNames.ExternalLambda2, ExpectedNames.InternalLambda], function => Assert.True(started[function] >= started[ResourceNames.LocalCloud], record.Message));
    }

    /// <summary>
    /// One process per AWS::Lambda::Function of the template, each started with what Lambda gives the function: its
    /// Handler as _HANDLER, its physical name, and its Environment resolved against the engine (TOPIC_SECRET_ID is the
    /// secret's ARN there, not a name written twice). All of it from LocalCloud's GetFunctionConfiguration.
    /// </summary>
    [Theory]
    [InlineData(ExpectedNames.ExternalLambda1, "external", "secure-lambda-ExternalLambda1", "ExternalLambda1")]
    [InlineData(ExpectedNames.ExternalLambda2, "external", "secure-lambda-ExternalLambda2", "ExternalLambda2")]
    [InlineData(ExpectedNames.InternalLambda, "internal", "secure-lambda-InternalLambda", null)]
    public async Task EachFunctionProcess_StartsWithTheTemplatesConfiguration_ResolvedByLocalCloud(string resource, string handler, string functionName, string? greeter)
    {
        Assert.True(stack.App.ResourceNotifications.TryGetCurrentState(resource, out var state), $"No resource {resource}.");
        var environment = state!.Snapshot.EnvironmentVariables.Where(variable => variable.IsFromSpec).ToDictionary(variable => variable.Name, variable => variable.Value ?? string.Empty);

        Assert.Equal(handler, environment["_HANDLER"]);
        Assert.Equal(functionName, environment["AWS_LAMBDA_FUNCTION_NAME"]);
        Assert.Equal(greeter, environment.TryGetValue("GREETER_NAME", out var name) ? name : null);
        if (greeter is not null)
        {
            // The engine's own answer, through the AWS endpoint: the ARN names the stack's secret, the one holding the topic's ARN.
            var secretId = environment["TOPIC_SECRET_ID"];
            Assert.StartsWith("arn:aws:secretsmanager:", secretId, StringComparison.Ordinal);
            var secret = await SecureLambda.Testing.AwsCli.RunAsync("--endpoint-url", stack.AwsEndpoint.ToString().TrimEnd('/'),
                "secretsmanager", "get-secret-value", "--secret-id", secretId).WaitAsync(StepTimeout, TestContext.Current.CancellationToken);
            Assert.Contains(stack.Outputs.GetProperty("TopicArn").GetString()!, secret.GetProperty("SecretString").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheFunctionProcesses_AreTheTemplatesFunctions_NoMoreNoLess()
    {
        var functions = stack.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ProjectResource>()
            .Where(project => project.Name != ResourceNames.LocalCloud)
            .Select(project => project.Name)
            .Order();

        Assert.Equal([ExpectedNames.ExternalLambda1, ExpectedNames.ExternalLambda2, ExpectedNames.InternalLambda], functions);
    }

    // After the dashboard's timestamp: the .NET console logger's level (warn:, fail:, crit:), or Python's (moto's).
    [GeneratedRegex(@"^(\S+Z\s+)?\s*(warn|fail|crit):|\b(WARNING|ERROR|CRITICAL)\b")]
    private static partial Regex AlarmingLevel();

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex AnsiEscape();

    [GeneratedRegex(@"(?<process>[a-z0-9-]+) (?<seconds>\d+\.\d+) s")]
    private static partial Regex StartedAt();

    /// <summary>The AppHost's start-up line: the log so far, then each new record, until it comes or <see cref="SecureLambdaApp.StepTimeout"/> passes.</summary>
    private async Task<Microsoft.Extensions.Logging.Testing.FakeLogRecord> StartupLineAsync()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(SecureLambdaApp.StepTimeout);
        await foreach (var record in stack.AppHostLogs.GetLogsAsync(deadline.Token))
        {
            if (record.Category?.EndsWith(".StartupTimeline", StringComparison.Ordinal) == true)
            {
                return record;
            }
        }

        throw new InvalidOperationException("The AppHost's log ended without its start-up line.");
    }

    public enum TokenFrom
    {
        None,
        User1,
        User2,
    }

    [Theory]
    [InlineData(TokenFrom.User1, "lambda1", "ExternalLambda1")]
    [InlineData(TokenFrom.User2, "lambda2", "ExternalLambda2")]
    public async Task OwnPoolsToken_Is200WithTheGreeting_AndInternalLambdaLogsIt(TokenFrom user, string route, string greeter)
    {
        var name = UniqueName("Ada");

        var (status, body) = await stack.PostAsync($"/development/{route}", await TokenAsync(user), $"{{\"name\":\"{name}\"}}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"{{\"message\":\"Hello {name}. Greetings from {greeter}! Message forwarded to InternalLambda.\"}}", body);
        Assert.Contains(InternalGreeting(name), await stack.WaitForInternalGreetingAsync(name), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TokenFrom.User2, "lambda1")]
    [InlineData(TokenFrom.User1, "lambda2")]
    public async Task OtherPoolsToken_Is401Unauthorized_AndNothingReachesInternalLambda(TokenFrom user, string route)
    {
        var name = UniqueName("Mallory");
        var since = stack.InternalLambdaLog.Count;

        var (status, body) = await stack.PostAsync($"/development/{route}", await TokenAsync(user), $"{{\"name\":\"{name}\"}}");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(Unauthorized, body);
        await stack.AssertNothingReachedInternalLambdaSinceAsync(since);
    }

    /// <summary>No Authorization header at all: the web ACL's RequireAuthorizationHeader rule refuses it with API
    /// Gateway's WAF answer, before the stage throttle or the authorizer.</summary>
    [Theory]
    [InlineData("lambda1")]
    [InlineData("lambda2")]
    public async Task NoToken_Is403ForbiddenByWaf_AndNothingReachesInternalLambda(string route)
    {
        var name = UniqueName("Mallory");
        var since = stack.InternalLambdaLog.Count;

        var (status, body) = await stack.PostAsync($"/development/{route}", await TokenAsync(TokenFrom.None), $"{{\"name\":\"{name}\"}}");

        Assert.Equal((HttpStatusCode.Forbidden, "{\"message\":\"Forbidden\"}"), (status, body));
        await stack.AssertNothingReachedInternalLambdaSinceAsync(since);
    }

    /// <summary>A valid token without an API key: the method requires one (INVALID_API_KEY, 403), after the authorizer.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData("guessed-api-key-value-0123456789")]
    public async Task ValidTokenWithoutAKeyOfAPlan_Is403Forbidden_AndNothingReachesInternalLambda(string? guessedKey)
    {
        var name = UniqueName("Mallory");
        var since = stack.InternalLambdaLog.Count;

        var (status, body) = guessedKey is null
            ? await stack.PostAsync("/development/lambda1", await stack.IdTokenAsync(User1), $"{{\"name\":\"{name}\"}}", apiKeyOf: null)
            : await stack.PostWithApiKeyValueAsync("/development/lambda1", await stack.IdTokenAsync(User1), $"{{\"name\":\"{name}\"}}", guessedKey);

        Assert.Equal((HttpStatusCode.Forbidden, "{\"message\":\"Forbidden\"}"), (status, body));
        await stack.AssertNothingReachedInternalLambdaSinceAsync(since);
    }

    /// <summary>Client app 2 signs its users in to pool 2: its key with user2's token is greeted by ExternalLambda2.</summary>
    [Fact]
    public async Task ClientApp2sKey_WithItsUsersToken_Is200WithTheGreeting()
    {
        var name = UniqueName("Grace");

        var (status, body) = await stack.PostAsync("/development/lambda2", await stack.IdTokenAsync(User2), $"{{\"name\":\"{name}\"}}", apiKeyOf: ClientApp2ApiKey);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"{{\"message\":\"Hello {name}. Greetings from ExternalLambda2! Message forwarded to InternalLambda.\"}}", body);
        await stack.WaitForInternalGreetingAsync(name);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"name\":\"\"}")]
    [InlineData("{\"name\":42}")]
    [InlineData("[\"Ada\"]")]
    [InlineData("not json")]
    [InlineData("TooLong")]
    public async Task BodyOutsideTheModel_Is400InvalidRequestBody_AndNothingIsPublished(string body)
    {
        // 129 characters: one past the model's maxLength.
        body = body == "TooLong" ? $"{{\"name\":\"{new string('x', 129)}\"}}" : body;
        var since = stack.InternalLambdaLog.Count;

        var (status, answer) = await stack.PostAsync("/development/lambda1", await stack.IdTokenAsync(User1), body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("{\"message\": \"Invalid request body\"}", answer);
        await stack.AssertNothingReachedInternalLambdaSinceAsync(since);
    }

    [Fact]
    public async Task ControlCharacterInName_Is400FromTheFunction_AndNothingIsPublished()
    {
        var name = UniqueName("Eve");
        var since = stack.InternalLambdaLog.Count;

        // A string of 1–128 characters for the API's model, but not a name for the function.
        var (status, body) = await stack.PostAsync("/development/lambda2", await stack.IdTokenAsync(User2), $"{{\"name\":\"{name}\\u0007\"}}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("The field \"name\" must not contain control characters.", JsonDocument.Parse(body).RootElement.GetProperty("message").GetString());
        await stack.AssertNothingReachedInternalLambdaSinceAsync(since);
    }

    private async Task<string?> TokenAsync(TokenFrom user) => user switch
    {
        TokenFrom.User1 => await stack.IdTokenAsync(User1),
        TokenFrom.User2 => await stack.IdTokenAsync(User2),
        _ => null,
    };
}
