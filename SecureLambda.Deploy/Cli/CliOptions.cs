namespace SecureLambda.Deploy.Cli;

/// <summary>The parsed command line.</summary>
public sealed record CliOptions
{
    public const string DefaultOutputsFile = "stack-outputs.json";
    public const string DefaultTemplate = "cloudformation/secure-lambda.yaml";

    public required string Command { get; init; }

    public required string StackName { get; init; }

    public string? Region { get; init; }

    public string? Profile { get; init; }

    public string? ArtifactBucket { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];

    public bool DryRun { get; init; }

    public string OutputsFile { get; init; } = DefaultOutputsFile;

    public string? Template { get; init; }

    public string? User1Email { get; init; }

    public string? User2Email { get; init; }

    public const string Usage = """
        Usage:
          SecureLambda.Deploy deploy  --stack-name NAME [--region R] [--profile P] [--artifact-bucket B]
                                      [--parameter Name=Value]... [--dry-run] [--outputs-file F] [--template T]
                                      [--user1-email E] [--user2-email E]
          SecureLambda.Deploy destroy --stack-name NAME [--region R] [--profile P] [--artifact-bucket B]
        """;

    /// <summary>Hand-written on purpose: a dozen flags do not need a parser package.</summary>
    /// <exception cref="DeployException">Unknown command or flag, or a flag without its value.</exception>
    public static CliOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0 || args[0] is not ("deploy" or "destroy"))
        {
            throw new DeployException(args.Count == 0 ? "No command given." : $"Unknown command '{args[0]}'.", ExitCodes.Usage);
        }

        string? stackName = null, region = null, profile = null, bucket = null, outputs = null, template = null, user1 = null, user2 = null;
        var parameters = new List<KeyValuePair<string, string>>();
        var dryRun = false;
        for (var i = 1; i < args.Count; i++)
        {
            var flag = args[i];
            string Value()
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new DeployException($"{flag} needs a value.", ExitCodes.Usage);
                }

                return args[++i];
            }

            switch (flag)
            {
                case "--stack-name": stackName = Value(); break;
                case "--region": region = Value(); break;
                case "--profile": profile = Value(); break;
                case "--artifact-bucket": bucket = Value(); break;
                case "--parameter": parameters.Add(CloudFormation.ChangeSetParameters.ParseOverride(Value())); break;
                case "--dry-run": dryRun = true; break;
                case "--outputs-file": outputs = Value(); break;
                case "--template": template = Value(); break;
                case "--user1-email": user1 = Value(); break;
                case "--user2-email": user2 = Value(); break;
                default: throw new DeployException($"Unknown option '{flag}'.", ExitCodes.Usage);
            }
        }

        if (string.IsNullOrWhiteSpace(stackName))
        {
            throw new DeployException("--stack-name is required.", ExitCodes.Usage);
        }

        if (args[0] == "destroy" && (parameters.Count > 0 || dryRun || user1 is not null || user2 is not null))
        {
            throw new DeployException("destroy takes only --stack-name, --region, --profile and --artifact-bucket.", ExitCodes.Usage);
        }

        return new CliOptions
        {
            Command = args[0],
            StackName = stackName,
            Region = region,
            Profile = profile,
            ArtifactBucket = bucket,
            Parameters = parameters,
            DryRun = dryRun,
            OutputsFile = outputs ?? DefaultOutputsFile,
            Template = template,
            User1Email = user1,
            User2Email = user2,
        };
    }
}
