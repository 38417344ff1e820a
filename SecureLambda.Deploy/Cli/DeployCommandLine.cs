using System.CommandLine;
using System.CommandLine.Completions;
using System.Net.Http;
using Amazon.Runtime;
using SecureLambda.Aws.Core;
using SecureLambda.Deploy.CloudFormation;
using SecureLambda.Deploy.Stacks;

namespace SecureLambda.Deploy.Cli;

/// <summary>
/// The command line (System.CommandLine): <c>deploy</c> and <c>destroy</c>, with <c>--help</c> on each, <c>--version</c>,
/// and completions (<c>dotnet-suggest</c>). Every failure ends as one line on standard error (what failed, why, what to
/// do) and an exit code from <see cref="ExitCodes"/>; <c>--verbose</c> adds the details. No stack trace reaches the user.
/// </summary>
public sealed class DeployCommandLine(DeployHost host)
{
    private readonly Option<string> _stackName = new("--stack-name", "-s") { Description = "The CloudFormation stack.", Required = true };
    private readonly Option<string?> _region = new("--region", "-r") { Description = "The AWS region (default: AWS_REGION or AWS_DEFAULT_REGION)." };
    private readonly Option<string?> _profile = new("--profile") { Description = "A named profile of ~/.aws/config (default: AWS_PROFILE, else the standard credential chain)." };
    private readonly Option<string?> _artifactBucket = new("--artifact-bucket") { Description = "An S3 bucket of your own for the code (default: securelambda-artifacts-{account}-{region}, created and locked down on first use)." };
    private readonly Option<bool> _yes = new("--yes", "-y") { Description = "Consent in advance to destructive steps: changes that replace or remove resources, deleting a failed stack, destroy." };
    private readonly Option<bool> _verbose = new("--verbose", "-v") { Description = "On failure, print the details behind the one-line message." };

    private readonly Option<string[]> _parameter = new("--parameter", "-p")
    {
        Description = "A template parameter, Name=Value (repeatable); on an update, parameters not given keep their value.",
        HelpName = "Name=Value",
        CompletionSources = { _ => ParameterCompletions(host) },
    };
    private readonly Option<bool> _dryRun = new("--dry-run") { Description = "Create the change set and print it, execute nothing; the change set is kept for review." };
    private readonly Option<string?> _executeChangeSet = new("--execute-change-set") { Description = "Execute a change set an earlier --dry-run kept, instead of building a new one.", HelpName = "name" };
    private readonly Option<string> _outputsFile = new("--outputs-file", "-o") { Description = "Where to write the stack's outputs as JSON.", DefaultValueFactory = _ => DeployOptions.DefaultOutputsFile };
    private readonly Option<string?> _template = new("--template", "-t") { Description = "The template (default: the repository's cloudformation/secure-lambda.yaml)." };
    private readonly Option<string?> _bootstrapDirectory = new("--bootstrap-dir") { Description = "Deploy this already published bootstrap folder (dotnet publish SecureLambda.Functions -r linux-x64 -o DIR) instead of publishing." };
    private readonly Option<string?> _user1Email = new("--user1-email") { Description = "Invite this e-mail address to user pool 1 (Cognito e-mails a temporary password)." };
    private readonly Option<string?> _user2Email = new("--user2-email") { Description = "Invite this e-mail address to user pool 2." };

    /// <summary>Parses and runs; with <paramref name="handleTerminationSignals"/>, Ctrl+C and SIGTERM cancel the run.</summary>
    public async Task<int> InvokeAsync(IReadOnlyList<string> args, CancellationToken cancellationToken, bool handleTerminationSignals = false)
    {
        var root = Root();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await host.Error.WriteLineAsync(error.Message);
            }

            var command = parse.CommandResult.Command;
            await host.Error.WriteLineAsync($"Run '{root.Name}{(command == root ? "" : " " + command.Name)} --help' for the options.");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = host.Out,
            Error = host.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = handleTerminationSignals ? TimeSpan.FromSeconds(15) : null,
        };
        return await parse.InvokeAsync(configuration, cancellationToken);
    }

    private RootCommand Root()
    {

        var deploy = new Command("deploy", "Publish the bootstrap, upload it, and create, review and execute a CloudFormation change set.")
        {
            _stackName, _region, _profile, _artifactBucket, _parameter, _dryRun, _executeChangeSet, _outputsFile, _template,
            _bootstrapDirectory, _user1Email, _user2Email, _yes, _verbose,
        };
        deploy.SetAction((parse, token) => RunAsync(parse, () =>
        {
            var options = new DeployOptions(Stack(parse))
            {
                Parameters = (parse.GetValue(_parameter) ?? []).Select(ChangeSetParameters.ParseOverride).ToList(),
                DryRun = parse.GetValue(_dryRun),
                ExecuteChangeSet = parse.GetValue(_executeChangeSet),
                OutputsFile = parse.GetValue(_outputsFile)!,
                Template = parse.GetValue(_template),
                BootstrapDirectory = parse.GetValue(_bootstrapDirectory),
                User1Email = parse.GetValue(_user1Email),
                User2Email = parse.GetValue(_user2Email),
            };
            if (options.DryRun && options.ExecuteChangeSet is not null)
            {
                throw new DeployException("--dry-run and --execute-change-set exclude each other.", ExitCodes.Usage);
            }

            return new StackDeployer(host, Consent(options.Stack)).DeployAsync(options, token);
        }, token));

        var destroy = new Command("destroy", "Delete the stack (after consent) and this stack's artifacts.")
        {
            _stackName, _region, _profile, _artifactBucket, _yes, _verbose,
        };
        destroy.SetAction((parse, token) => RunAsync(parse, () =>
        {
            var options = Stack(parse);
            return new StackDestroyer(host, Consent(options)).DestroyAsync(options, token);
        }, token));

        return new RootCommand("SecureLambda.Deploy: deploys the SecureLambda stack to AWS with one command, and destroys it again.") { deploy, destroy };
    }

    private StackOptions Stack(ParseResult parse) => new(
        parse.GetValue(_stackName)!,
        parse.GetValue(_region),
        parse.GetValue(_profile),
        parse.GetValue(_artifactBucket),
        parse.GetValue(_yes),
        parse.GetValue(_verbose));

    private Consent Consent(StackOptions options) => new(host.Out, host.Terminal, options.Yes);

    /// <summary>The template's parameter names, for <c>--parameter</c> completions.</summary>
    private static IEnumerable<CompletionItem> ParameterCompletions(DeployHost host)
    {
        var template = Path.Combine(host.RepositoryRoot, DeployOptions.DefaultTemplate);
        return File.Exists(template)
            ? ChangeSetParameters.ReadTemplateParameters(File.ReadAllText(template)).Keys.Select(name => new CompletionItem(name + "="))
            : [];
    }

    /// <summary>The one place a failure becomes a line and an exit code.</summary>
    private async Task<int> RunAsync(ParseResult parse, Func<Task<int>> run, CancellationToken cancellationToken)
    {
        var verbose = parse.GetValue(_verbose);
        try
        {
            return await run();
        }
        catch (DeployException error)
        {
            return await FailAsync(error.Message, error.Details ?? error.InnerException?.ToString(), error.ExitCode, verbose);
        }
        catch (AwsServiceException error)
        {
            return await FailAsync(
                $"{error.Service} refused a call: {error.ErrorCode}: {error.AwsMessage}{(error.RequestId is null ? "" : $" (request {error.RequestId})")}",
                error.ToString(), ExitCodes.Failed, verbose);
        }
        catch (AmazonServiceException error)
        {
            return await FailAsync($"S3 refused a call: {error.ErrorCode}: {error.Message}{(error.RequestId is null ? "" : $" (request {error.RequestId})")}", error.ToString(), ExitCodes.Failed, verbose);
        }
        catch (Exception error) when (error is HttpRequestException or AmazonClientException)
        {
            return await FailAsync($"Could not reach AWS: {error.Message}. Check the network, AWS_ENDPOINT_URL and the region.", error.ToString(), ExitCodes.Failed, verbose);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return await FailAsync("Interrupted.", null, ExitCodes.Interrupted, verbose);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // The last line of defence: a bug of ours still ends as one line, with the trace behind --verbose.
            return await FailAsync($"Unexpected error ({error.GetType().Name}): {error.Message}. Run again with --verbose for the details.", error.ToString(), ExitCodes.Failed, verbose);
        }
    }

    private async Task<int> FailAsync(string message, string? details, int exitCode, bool verbose)
    {
        await host.Error.WriteLineAsync(message);
        if (verbose && details is not null)
        {
            await host.Error.WriteLineAsync(details);
        }

        return exitCode;
    }
}
