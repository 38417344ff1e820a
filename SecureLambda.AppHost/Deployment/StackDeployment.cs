#pragma warning disable ASPIREPIPELINES001
#pragma warning disable ASPIREINTERACTION001
// IDeploymentStateManager and IPipelineOutputService are Aspire 13.6's evaluation APIs for exactly this: a step's state and output folder.
#pragma warning disable ASPIREPIPELINES002
#pragma warning disable ASPIREPIPELINES004

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecureLambda.Deploy;
using SecureLambda.Deploy.Cli;

namespace SecureLambda.AppHost.Deployment;

/// <summary>
/// One <c>aspire deploy</c> (or <c>aspire destroy</c>) of the stack: SecureLambda.Deploy's own command line, invoked in
/// this process with the arguments the configuration gives, its output as the step's log, its one-line failure as the
/// step's failure, and what it did recorded in Aspire's deployment state (section <see cref="StateSection"/>).
/// </summary>
/// <remarks>
/// Configuration (any Aspire source: appsettings, user secrets, <c>Deploy__Yes=true</c> in the environment, or
/// <c>aspire deploy -- --Deploy:Yes=true</c>), each the deploy tool's option of the same meaning:
/// <list type="table">
/// <item><term><c>Parameters:stack-name</c>, <c>Parameters:aws-region</c></term><description><c>--stack-name</c>, <c>--region</c> (Aspire parameters)</description></item>
/// <item><term><c>Deploy:Yes</c></term><description><c>--yes</c>: consent in advance to destructive rows; without it, Aspire's prompt asks, and without a prompt the deploy stops</description></item>
/// <item><term><c>Deploy:Parameters:{Name}</c></term><description><c>--parameter Name=Value</c>, a template parameter</description></item>
/// <item><term><c>Deploy:BootstrapDir</c></term><description><c>--bootstrap-dir</c>: an already published bootstrap instead of the Native AOT publish</description></item>
/// <item><term><c>Deploy:DryRun</c>, <c>Deploy:ExecuteChangeSet</c></term><description><c>--dry-run</c>, <c>--execute-change-set</c></description></item>
/// <item><term><c>Deploy:ArtifactBucket</c>, <c>Deploy:Profile</c>, <c>Deploy:Template</c>, <c>Deploy:OutputsFile</c>, <c>Deploy:User1Email</c>, <c>Deploy:User2Email</c>, <c>Deploy:Verbose</c></term><description>the options of those names</description></item>
/// </list>
/// </remarks>
internal sealed partial class StackDeployment(
    IConfiguration configuration,
    string appHostDirectory,
    string templatePath,
    ParameterResource stackName,
    ParameterResource region)
{
    /// <summary>The deployment state section: stack, region, the last change set and result, the outputs. No secrets.</summary>
    public const string StateSection = "SecureLambda";

    /// <summary>Set by the Aspire CLI for the AppHost it starts: the socket its prompts and progress travel over.</summary>
    public const string BackchannelVariable = "ASPIRE_BACKCHANNEL_PATH";

    public Task DeployAsync(PipelineStepContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RunAsync(context, "deploy", DeployArguments, RecordDeployAsync);
    }

    public Task DestroyAsync(PipelineStepContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RunAsync(context, "destroy", (_, _) => [], RecordDestroyAsync);
    }

    private delegate Task Record(PipelineStepContext context, Run run);

    private sealed record Run(string StackName, string Region, string OutputsFile, IReadOnlyList<string> Lines);

    private async Task RunAsync(
        PipelineStepContext context,
        string command,
        Func<PipelineStepContext, string, IEnumerable<string>> extraArguments,
        Record record)
    {
        var token = context.CancellationToken;
        var stack = await stackName.GetValueAsync(token) ?? DefaultOrFail(stackName.Name);
        var regionName = await region.GetValueAsync(token) ?? DefaultOrFail(region.Name);
        var outputsFile = OutputsFile(context);

        var step = context.ReportingStep;
        var output = new StepOutput(context.Logger, LogLevel.Information);
        var error = new StepOutput(context.Logger, LogLevel.Error);
        var interaction = context.Services.GetRequiredService<IInteractionService>();
        // A prompt needs someone to answer it: the Aspire CLI, attached over its backchannel. Without the CLI the
        // service still reports itself available (the dashboard is merely not disabled), and a question would wait
        // forever; so there is no terminal, and only Deploy:Yes consents, as --yes does for the tool.
        ITerminal? terminal = interaction.IsAvailable && configuration[BackchannelVariable] is { Length: > 0 }
            ? new InteractionTerminal(interaction, output)
            : null;

        List<string> args = [command, "--stack-name", stack, "--region", regionName];
        Add(args, "--profile", configuration["Deploy:Profile"]);
        Add(args, "--artifact-bucket", configuration["Deploy:ArtifactBucket"]);
        args.AddRange(extraArguments(context, outputsFile));
        // Advance consent, as --yes gives it to the tool: Deploy:Yes, or Aspire's own "skip confirmation prompts for
        // destructive operations" (PipelineOptions.SkipConfirmation), which `aspire destroy --yes` sets.
        if (Flag("Deploy:Yes") || context.Services.GetRequiredService<IOptions<PipelineOptions>>().Value.SkipConfirmation)
        {
            args.Add("--yes");
        }

        if (Flag("Deploy:Verbose"))
        {
            args.Add("--verbose");
        }

        var task = await step.CreateTaskAsync($"{(command == "deploy" ? "Deploying" : "Destroying")} stack {stack} in {regionName}", token);
        int exitCode;
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(100) })
        {
            var root = RepositoryRoot.Find(appHostDirectory);
            // The deploy tool's own host, with the step's log for the console and Aspire's prompt for the terminal.
            var host = DeployHost.ForThisMachine(output, error, http, root, terminal, appHostDirectory);
            exitCode = await new DeployCommandLine(host).InvokeAsync(args, token);
        }

        output.Flush();
        error.Flush();
        if (exitCode != ExitCodes.Success)
        {
            var message = error.Lines.FirstOrDefault(line => line.Length > 0) ?? $"SecureLambda.Deploy {command} ended with exit code {exitCode}.";
            if (exitCode == ExitCodes.ConsentRequired && terminal is null)
            {
                message += command == "destroy"
                    ? " With aspire destroy: answer its prompt, or consent in advance with aspire destroy --yes (or Deploy:Yes=true)."
                    : " With aspire deploy: answer its prompt, or consent in advance with Deploy:Yes=true.";
            }

            await task.FailAsync(message, token);
            // Run without the CLI, the AppHost would otherwise end with 0 after a failed step; the tool's exit code
            // says which kind of failure it was (3: consent needed), as it does for the tool itself.
            Environment.ExitCode = exitCode;
            // The pipeline fails the step with this message.
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{message} (exit code {exitCode})"));
        }

        await record(context, new Run(stack, regionName, outputsFile, output.Lines));
        var last = output.Lines.LastOrDefault(line => line.StartsWith($"Stack {stack}: ", StringComparison.Ordinal))
            ?? output.Lines.LastOrDefault(line => line.StartsWith("No changes:", StringComparison.Ordinal) || line.StartsWith("Dry run:", StringComparison.Ordinal))
            ?? $"{command} done";
        await task.SucceedAsync(last, token);
    }

    private IEnumerable<string> DeployArguments(PipelineStepContext context, string outputsFile)
    {
        List<string> args = ["--outputs-file", outputsFile, "--template", configuration["Deploy:Template"] is { Length: > 0 } template ? template : templatePath];
        Add(args, "--bootstrap-dir", configuration["Deploy:BootstrapDir"]);
        Add(args, "--execute-change-set", configuration["Deploy:ExecuteChangeSet"]);
        Add(args, "--user1-email", configuration["Deploy:User1Email"]);
        Add(args, "--user2-email", configuration["Deploy:User2Email"]);
        if (Flag("Deploy:DryRun"))
        {
            args.Add("--dry-run");
        }

        foreach (var parameter in configuration.GetSection("Deploy:Parameters").GetChildren())
        {
            args.AddRange(["--parameter", $"{parameter.Key}={parameter.Value}"]);
        }

        return args;
    }

    /// <summary>
    /// What the next run needs or a user wants to see: the stack and region, the last change set and how it ended, when,
    /// where the outputs file is, and the outputs (ids, ARNs, URLs: what CloudFormation shows anyone who may describe the
    /// stack). Template parameter values and credentials stay out.
    /// </summary>
    private static async Task RecordDeployAsync(PipelineStepContext context, Run run)
    {
        var token = context.CancellationToken;
        var changeSet = run.Lines.Select(line => ChangeSetName().Match(line)).LastOrDefault(match => match.Success)?.Groups[1].Value;
        var status = run.Lines.LastOrDefault(line => line.StartsWith($"Stack {run.StackName}: ", StringComparison.Ordinal))?[$"Stack {run.StackName}: ".Length..]
            ?? (run.Lines.Any(line => line.StartsWith("Dry run:", StringComparison.Ordinal)) ? "DRY_RUN"
                : run.Lines.Any(line => line.StartsWith("No changes:", StringComparison.Ordinal)) ? "NO_CHANGES" : "DONE");

        var outputs = new JsonObject();
        if (File.Exists(run.OutputsFile))
        {
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(run.OutputsFile, token));
            if (document.RootElement.TryGetProperty(run.StackName, out var values))
            {
                foreach (var value in values.EnumerateObject())
                {
                    outputs[value.Name] = value.Value.GetString();
                }
            }
        }

        var state = context.Services.GetRequiredService<IDeploymentStateManager>();
        var section = await state.AcquireSectionAsync(StateSection, token);
        var data = section.Data;
        data["StackName"] = run.StackName;
        data["Region"] = run.Region;
        data["LastChangeSet"] = changeSet ?? data["LastChangeSet"]?.DeepClone();
        data["LastResult"] = status;
        data["LastDeployedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        data["OutputsFile"] = run.OutputsFile;
        data["Outputs"] = outputs;
        await state.SaveSectionAsync(section, token);

        context.Summary.Add("Stack", $"{run.StackName} ({run.Region}): {status}");
        if (changeSet is not null)
        {
            context.Summary.Add("Change set", changeSet);
        }

        foreach (var (key, value) in outputs)
        {
            context.Summary.Add(key, value?.GetValue<string>() ?? "");
        }

        context.Summary.Add("Outputs file", run.OutputsFile);
    }

    /// <summary>Only the summary: <c>aspire destroy</c> clears the environment's whole deployment state after its steps.</summary>
    private static Task RecordDestroyAsync(PipelineStepContext context, Run run)
    {
        context.Summary.Add("Stack", $"{run.StackName} ({run.Region}): deleted");
        return Task.CompletedTask;
    }

    /// <summary><c>Deploy:OutputsFile</c>, else <c>stack-outputs.json</c> in Aspire's output folder (<c>aspire deploy -o</c>).</summary>
    private string OutputsFile(PipelineStepContext context)
    {
        if (configuration["Deploy:OutputsFile"] is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured, appHostDirectory);
        }

        var folder = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, DeployOptions.DefaultOutputsFile);
    }

    private bool Flag(string key) => configuration.GetValue(key, false);

    private static void Add(List<string> args, string option, string? value)
    {
        if (value is { Length: > 0 })
        {
            args.AddRange([option, value]);
        }
    }

    private static string DefaultOrFail(string parameter) =>
        throw new InvalidOperationException($"Parameter {parameter} has no value: set Parameters:{parameter}, or answer Aspire's prompt.");

    /// <summary>The tool's change set names (<c>securelambda-yyyyMMdd-HHmmss-xxxx</c>), as its output mentions them.</summary>
    [GeneratedRegex(@"\bchange set (securelambda-\d{8}-\d{6}-[0-9a-f]{4})\b")]
    private static partial Regex ChangeSetName();
}
