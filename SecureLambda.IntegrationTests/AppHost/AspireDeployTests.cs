extern alias AppHost;

using System.Text.Json;
using System.Text.RegularExpressions;
using SecureLambda.Testing;
using AwsDeployment = AppHost::SecureLambda.AppHost.Hosting.AwsDeploymentExtensions;

namespace SecureLambda.IntegrationTests.AppHost;

[CollectionDefinition(Name)]
public sealed class AspireDeployGroup : ICollectionFixture<MotoServerFixture>
{
    public const string Name = "aspire-deploy";
}

/// <summary>
/// <c>aspire deploy</c> against moto, through <c>AWS_ENDPOINT_URL</c>: the AppHost started as the Aspire CLI 13.6.5 starts
/// it (<c>dotnet run --no-build --no-launch-profile --project … -- --operation publish --step deploy --output-path …</c>,
/// then the arguments after <c>--</c>), and the CLI itself where it is installed. Each run has a HOME of its own, so
/// Aspire's deployment state (<c>~/.aspire/deployments/{apphost}/production.json</c>) is this test's alone. The bootstrap
/// comes from <c>Deploy:BootstrapDir</c>, as <c>--bootstrap-dir</c> gives it to the tool, so no Native AOT publish runs.
/// moto's CloudFormation is partial (see SecureLambda.Deploy.Tests): no Outputs, no termination protection.
/// </summary>
[Collection(AspireDeployGroup.Name)]
public sealed partial class AspireDeployTests(MotoServerFixture moto) : IDisposable
{
    private const string Region = "eu-west-1";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    // moto: an update that keeps a CommaDelimitedList by UsePreviousValue breaks its next update, so every run gives both.
    private static readonly string[] Lists = ["--Deploy:Parameters:AllowedCidrs=0.0.0.0/1,128.0.0.0/1", "--Deploy:Parameters:AllowedIpv6Cidrs=::/1,8000::/1"];

    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("aspire-deploy-tests-");

    /// <summary>Created up front: .NET's GetFolderPath(UserProfile), which Aspire's state path starts from, is "" for a HOME that does not exist.</summary>
    private string Home => Directory.CreateDirectory(Path.Combine(_temp.FullName, "home")).FullName;

    private string OutputPath => Path.Combine(_temp.FullName, "aspire-output");

    public void Dispose() => _temp.Delete(recursive: true);

    [Fact]
    public async Task AspireDeploy_CreatesTheStack_WaitsForConsentToRemove_AndKeepsItsStateInAspire()
    {
        var stack = $"aspire-{Guid.NewGuid():N}"[..20];
        var bootstrap = Bootstrap("v1");

        // 1. The first deploy creates the artifact bucket, uploads the code, creates the stack.
        var first = await DeployAsync([$"--Parameters:{AwsDeployment.StackNameParameter}={stack}", .. Lists, $"--Deploy:BootstrapDir={bootstrap}"]);
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains($"Stack {stack}: CREATE_COMPLETE", first.Output, StringComparison.Ordinal);
        var created = ChangeSet().Matches(first.Output).Select(match => match.Groups[1].Value).Distinct().Single();

        var described = (await AwsAsync("cloudformation", "describe-stacks", "--stack-name", stack)).GetProperty("Stacks")[0];
        Assert.Equal("CREATE_COMPLETE", described.GetProperty("StackStatus").GetString());
        var parameters = described.GetProperty("Parameters").EnumerateArray()
            .ToDictionary(p => p.GetProperty("ParameterKey").GetString()!, p => p.GetProperty("ParameterValue").GetString());
        var bucket = $"securelambda-artifacts-123456789012-{Region}";
        Assert.Equal(bucket, parameters["CodeS3Bucket"]);
        Assert.Matches($"^{stack}/bootstrap-[0-9a-f]{{16}}\\.zip$", parameters["CodeS3Key"]);
        // The stack's folder holds its code and its template (past CloudFormation's inline limit), nothing else.
        var objects = await AwsAsync("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", $"{stack}/");
        var keys = objects.GetProperty("Contents").EnumerateArray().Select(entry => entry.GetProperty("Key").GetString()!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, keys.Count);
        Assert.Equal(parameters["CodeS3Key"], keys[0]);
        Assert.Matches($"^{stack}/template-[0-9a-f]{{16}}\\.yaml$", keys[1]);

        // Aspire's deployment state: its own parameters, and this stack's section.
        var state = await StateAsync();
        Assert.Equal(stack, state[$"Parameters:{AwsDeployment.StackNameParameter}"]);
        Assert.Equal(Region, state[$"Parameters:{AwsDeployment.RegionParameter}"]);
        Assert.Equal(stack, state[$"{AwsDeployment.StateSection}:StackName"]);
        Assert.Equal(Region, state[$"{AwsDeployment.StateSection}:Region"]);
        Assert.Equal(created, state[$"{AwsDeployment.StateSection}:LastChangeSet"]);
        Assert.Equal("CREATE_COMPLETE", state[$"{AwsDeployment.StateSection}:LastResult"]);
        Assert.Equal(Path.Combine(OutputPath, "stack-outputs.json"), state[$"{AwsDeployment.StateSection}:OutputsFile"]);
        Assert.True(File.Exists(Path.Combine(OutputPath, "stack-outputs.json")));
        // The local stack's dev users have no place in an AWS deployment: no password of theirs is asked for or kept.
        Assert.DoesNotContain(state.Keys, key => key.Contains("password", StringComparison.OrdinalIgnoreCase));

        // 2. A template that removes a resource: without the CLI's prompt and without Deploy:Yes, the tool's refusal
        // fails the step (exit code 3) and the change set is kept for review; the state still names the last deploy.
        var removes = Path.Combine(_temp.FullName, "removes.yaml");
        var template = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot, "cloudformation", "secure-lambda.yaml"), TestContext.Current.CancellationToken);
        var start = template.IndexOf("  InternalLambdaEventInvokeConfig:", StringComparison.Ordinal);
        await File.WriteAllTextAsync(removes, template[..start] + template[template.IndexOf("  # ---", start, StringComparison.Ordinal)..], TestContext.Current.CancellationToken);
        string[] removal = [$"--Parameters:{AwsDeployment.StackNameParameter}={stack}", .. Lists, $"--Deploy:BootstrapDir={bootstrap}", $"--Deploy:Template={removes}"];

        var refused = await DeployAsync(removal);
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("Remove InternalLambdaEventInvokeConfig. Execute it? No terminal to ask at: run again with --yes to go ahead.", refused.Output, StringComparison.Ordinal);
        Assert.Contains("consent in advance with Deploy:Yes=true", refused.Output, StringComparison.Ordinal);
        var kept = await AvailableChangeSetsAsync(stack);
        Assert.Single(kept);
        Assert.Equal("CREATE_COMPLETE", (await AwsAsync("cloudformation", "describe-stacks", "--stack-name", stack)).GetProperty("Stacks")[0].GetProperty("StackStatus").GetString());
        Assert.Equal(created, (await StateAsync())[$"{AwsDeployment.StateSection}:LastChangeSet"]);

        // 3. Deploy:Yes consents in advance, as --yes does: the kept change set is replaced, the new one executed.
        var consented = await DeployAsync([.. removal, "--Deploy:Yes=true"]);
        Assert.True(consented.ExitCode == 0, consented.Output);
        Assert.Contains("Execute it? --yes: going ahead.", consented.Output, StringComparison.Ordinal);
        Assert.Contains($"Stack {stack}: UPDATE_COMPLETE", consented.Output, StringComparison.Ordinal);
        Assert.Empty(await AvailableChangeSetsAsync(stack));
        state = await StateAsync();
        Assert.Equal("UPDATE_COMPLETE", state[$"{AwsDeployment.StateSection}:LastResult"]);
        Assert.NotEqual(created, state[$"{AwsDeployment.StateSection}:LastChangeSet"]);
        Assert.DoesNotContain(kept[0], state.Values);
    }

    [Fact]
    public async Task TheAspireCli_DeploysTheStack_AndPrintsTheToolsOutputAndSummary()
    {
        var cli = new[] { Environment.GetEnvironmentVariable("PATH") ?? "" }
            .SelectMany(path => path.Split(Path.PathSeparator))
            .Append(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools"))
            .Select(folder => Path.Combine(folder, "aspire"))
            .FirstOrDefault(File.Exists);
        if (cli is null)
        {
            Assert.Skip("Needs the Aspire CLI: dotnet tool install -g Aspire.Cli --version 13.6.5.");
        }

        if (Configuration != "Debug")
        {
            Assert.Skip($"The Aspire CLI runs the AppHost's Debug build; these tests are {Configuration}.");
        }

        var stack = $"cli-{Guid.NewGuid():N}"[..16];
        // --no-build: the AppHost was built with these tests; the CLI would otherwise build it again.
        var (exitCode, output) = await ExternalTool.RunAsync(
            cli,
            [
                "deploy", "--apphost", AppHostProject, "--non-interactive", "--nologo", "--no-build", "-o", OutputPath, "--",
                $"--Parameters:{AwsDeployment.StackNameParameter}={stack}", $"--Parameters:{AwsDeployment.RegionParameter}={Region}",
                $"--Deploy:BootstrapDir={Bootstrap("cli")}",
            ],
            Timeout,
            ProcessEnvironment());

        Assert.True(exitCode == 0, output);
        Assert.Contains($"Stack {stack}: CREATE_COMPLETE", output, StringComparison.Ordinal);
        Assert.Contains("Pipeline succeeded", output, StringComparison.Ordinal);
        Assert.Matches($@"Stack\S*: {stack} \({Region}\): CREATE_COMPLETE", output);
        Assert.Equal("CREATE_COMPLETE", (await AwsAsync("cloudformation", "describe-stacks", "--stack-name", stack)).GetProperty("Stacks")[0].GetProperty("StackStatus").GetString());
        Assert.Equal(stack, (await StateAsync())[$"{AwsDeployment.StateSection}:StackName"]);
    }

    private static string RepositoryRoot => RepositoryFolder.Root;

    private static string AppHostProject => Path.Combine(RepositoryRoot, "SecureLambda.AppHost", "SecureLambda.AppHost.csproj");

    /// <summary>The configuration these tests were built in (bin/{Configuration}/net10.0), and so the AppHost too.</summary>
    private static string Configuration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>The AppHost as <c>aspire deploy</c> starts it (the CLI builds it first; the tests built it already).</summary>
    private Task<(int ExitCode, string Output)> DeployAsync(string[] arguments) => ExternalTool.RunAsync(
        "dotnet",
        [
            "run", "--no-build", "--no-launch-profile", "-c", Configuration, "--project", AppHostProject, "--",
            "--operation", "publish", "--step", "deploy", "--output-path", OutputPath,
            $"--Parameters:{AwsDeployment.RegionParameter}={Region}", .. arguments,
        ],
        Timeout,
        ProcessEnvironment());

    /// <summary>
    /// moto through AWS_ENDPOINT_URL; a HOME of the test's own (Aspire's state, no ~/.aws), with dotnet's and NuGet's
    /// folders kept; every other AWS variable of the test process blanked. No AWS_REGION: the region is the Aspire parameter.
    /// </summary>
    private Dictionary<string, string> ProcessEnvironment()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name.StartsWith("AWS_", StringComparison.Ordinal))
            .ToDictionary(name => name, _ => "");
        environment["AWS_ENDPOINT_URL"] = moto.Server.Endpoint.ToString().TrimEnd('/');
        environment["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKeyId;
        environment["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretAccessKey;
        environment["HOME"] = Home;
        environment["DOTNET_CLI_HOME"] = home;
        environment["NUGET_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages ? packages : Path.Combine(home, ".nuget", "packages");
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["ASPIRE_CLI_TELEMETRY_OPTOUT"] = "true";
        return environment;
    }

    private string Bootstrap(string content)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_temp.FullName, "publish-" + content)).FullName;
        File.WriteAllText(Path.Combine(folder, "bootstrap"), $"#!/bin/sh\necho {content}\n");
        return folder;
    }

    /// <summary>Aspire's deployment state file of this test's HOME, as Aspire writes it: flat keys, <c>Section:Key</c>.</summary>
    private async Task<IReadOnlyDictionary<string, string?>> StateAsync()
    {
        var file = Assert.Single(Directory.GetFiles(Path.Combine(Home, ".aspire", "deployments"), "production.json", SearchOption.AllDirectories));
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        return document.RootElement.EnumerateObject().ToDictionary(property => property.Name, property => property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText());
    }

    private Task<JsonElement> AwsAsync(params string[] args) => AwsCli.RunAsync(
        new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretAccessKey,
        },
        ["--endpoint-url", moto.Server.Endpoint.ToString().TrimEnd('/'), "--region", Region, .. args]);

    private async Task<List<string>> AvailableChangeSetsAsync(string stack)
    {
        var listed = await AwsAsync("cloudformation", "list-change-sets", "--stack-name", stack);
        // moto: ListChangeSets lists every stack's change sets, so filter here.
        return listed.GetProperty("Summaries").EnumerateArray()
            .Where(summary => summary.GetProperty("StackName").GetString() == stack && summary.GetProperty("ExecutionStatus").GetString() == "AVAILABLE")
            .Select(summary => summary.GetProperty("ChangeSetName").GetString()!)
            .ToList();
    }


    [GeneratedRegex(@"Executing change set (securelambda-\d{8}-\d{6}-[0-9a-f]{4})")]
    private static partial Regex ChangeSet();
}

/// <summary><c>aspire run</c> is untouched by the deploy steps: no deploy parameter for the dashboard to show or ask for.</summary>
public sealed class AspireDeployRunModeTests
{
    [Fact]
    public async Task InRunMode_TheAppHostHasNoDeployParameters()
    {
        await using var builder = await Aspire.Hosting.Testing.DistributedApplicationTestingBuilder.CreateAsync<AppHost::Projects.SecureLambda_AppHost>(TestContext.Current.CancellationToken);

        Assert.True(builder.ExecutionContext.IsRunMode);
        var names = builder.Resources.Select(resource => resource.Name).ToList();
        Assert.Contains(AppHost::SecureLambda.AppHost.Hosting.ResourceNames.Stack, names);
        Assert.DoesNotContain(AwsDeployment.StackNameParameter, names);
        Assert.DoesNotContain(AwsDeployment.RegionParameter, names);
    }
}
