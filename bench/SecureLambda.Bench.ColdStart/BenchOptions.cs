using System.Globalization;

namespace SecureLambda.Bench.ColdStart;

/// <summary>
/// The command line: <c>[--bootstrap PATH] [--jit PATH] [--runs N] [--scenarios a,b] [--timeout-seconds S]</c>.
/// Without <c>--bootstrap</c> / <c>--jit</c> the harness publishes / builds the function itself from the repository it
/// runs in, so a measurement is never of a stale binary.
/// </summary>
internal sealed record BenchOptions(
    string? Bootstrap,
    string? Jit,
    int Runs,
    IReadOnlyList<string> Scenarios,
    TimeSpan RunTimeout)
{
    public static readonly IReadOnlyList<string> AllScenarios = [Scenario.Internal, Scenario.External, Scenario.InternalOtlp];

    public const string Usage =
        """
        Usage: dotnet run -c Release --project bench/SecureLambda.Bench.ColdStart -- [options]
          --bootstrap PATH       the Native AOT bootstrap (default: publish SecureLambda.Functions to artifacts/bench/aot)
          --jit PATH             SecureLambda.Functions.dll, run as `dotnet PATH` (default: dotnet build -c Release)
          --runs N               measured cold starts per binary and scenario, after one discarded warm-up (default 20)
          --scenarios LIST       comma-separated subset of: internal, external, internal+otlp (default: all)
          --timeout-seconds S    give up on one cold start after S seconds; that counts as a failure (default 60)
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        string? bootstrap = null;
        string? jit = null;
        var runs = 20;
        IReadOnlyList<string> scenarios = AllScenarios;
        var timeout = TimeSpan.FromSeconds(60);

        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");

            switch (args[i])
            {
                case "--bootstrap":
                    bootstrap = Path.GetFullPath(Value());
                    break;
                case "--jit":
                    jit = Path.GetFullPath(Value());
                    break;
                case "--runs":
                    runs = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
                    if (runs < 1)
                    {
                        throw new ArgumentException("--runs must be at least 1.");
                    }

                    break;
                case "--scenarios":
                    scenarios = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    foreach (var scenario in scenarios.Where(s => !AllScenarios.Contains(s)))
                    {
                        throw new ArgumentException($"Unknown scenario '{scenario}'; the scenarios are {string.Join(", ", AllScenarios)}.");
                    }

                    break;
                case "--timeout-seconds":
                    timeout = TimeSpan.FromSeconds(int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture));
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        return new BenchOptions(bootstrap, jit, runs, scenarios, timeout);
    }
}
