using System.Globalization;

namespace SecureLambda.Bench.Gateway;

/// <summary>The command line; see <see cref="Usage"/>.</summary>
internal sealed class BenchOptions
{
    public const string Usage =
        """
        Usage: dotnet run -c Release --project bench/SecureLambda.Bench.Gateway -- [options]
          --scenarios LIST          comma-separated subset of: latency, throughput, throttle, aws-hop, stack (default: all)
          --rate RPS                open-loop rate of the latency run (default 500)
          --seconds S               measured seconds of each latency run (default 20)
          --warmup-seconds S        discarded warm-up before each measured run (default 5)
          --clients LIST            closed-loop client counts of the throughput run (default 16,32,64)
          --throughput-seconds S    measured seconds per client count (default 60)
          --load MODES              where the throughput load runs: inproc, child or inproc,child (default inproc,child)
          --pollers N               runtime pollers (stand-in execution environments) (default: max(32, largest client count))
          --throttle-rate R         ThrottlingRateLimit of the accuracy run (default 50)
          --throttle-burst B        ThrottlingBurstLimit of the accuracy run (default 100)
          --throttle-drive RPS      open-loop rate driven at it (default 500)
          --throttle-seconds S      seconds driven (default 15)
          --hop-calls N             GetSecretValue calls per path of the aws-hop run, interleaved (default 3000)
          --stack-clients N         closed-loop clients of the whole-stack run (default 16)
          --stack-seconds S         measured seconds of each whole-stack run (default 20)
          --stack-environments N    bound of each function's environments, started on demand (default: the reserved
                                    concurrency, at most LocalCloud:Lambda:MaxEnvironmentsPerFunction)
          --stack-open-rps R        rate of the whole stack's open-loop run (default 150)
        Internal: --load-only --url URL --clients N --throughput-seconds S --warmup-seconds S [--expect-greeting] (token in BENCH_TOKEN)
        """;

    public IReadOnlyList<string> Scenarios { get; private set; } = ["latency", "throughput", "throttle", "aws-hop", "stack"];

    public double Rate { get; private set; } = 500;

    public double Seconds { get; private set; } = 20;

    public double WarmupSeconds { get; private set; } = 5;

    public IReadOnlyList<int> Clients { get; private set; } = [16, 32, 64];

    public double ThroughputSeconds { get; private set; } = 60;

    public IReadOnlyList<string> LoadModes { get; private set; } = ["inproc", "child"];

    public int? Pollers { get; private set; }

    public double ThrottleRate { get; private set; } = 50;

    public int ThrottleBurst { get; private set; } = 100;

    public double ThrottleDrive { get; private set; } = 500;

    public double ThrottleSeconds { get; private set; } = 15;

    public int HopCalls { get; private set; } = 3000;

    public int StackClients { get; private set; } = 16;

    public double StackSeconds { get; private set; } = 20;

    /// <summary>The rate of the open-loop run through the whole stack, requests per second.</summary>
    public double StackOpenRate { get; private set; } = 150;

    /// <summary>Each function's bound of execution environments; null keeps the template's reserved concurrency.</summary>
    public int? StackEnvironments { get; private set; }

    /// <summary>The load process expects the real function's greeting, not the stand-in pollers' <c>{}</c>.</summary>
    public bool ExpectGreeting { get; private set; }

    public bool LoadOnly { get; private set; }

    public Uri? Url { get; private set; }

    public int PollerCount => Pollers ?? Math.Max(32, Clients.Max());

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            double Number() => double.Parse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture) is var d && d > 0
                ? d
                : throw new ArgumentException($"{args[i]} must be positive.");
            IReadOnlyList<string> List() => Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

            switch (args[i])
            {
                case "--scenarios":
                    options.Scenarios = Check(List(), "latency", "throughput", "throttle", "aws-hop", "stack");
                    break;
                case "--rate":
                    options.Rate = Number();
                    break;
                case "--seconds":
                    options.Seconds = Number();
                    break;
                case "--hop-calls":
                    options.HopCalls = (int)Number();
                    break;
                case "--warmup-seconds":
                    options.WarmupSeconds = Number();
                    break;
                case "--clients":
                    options.Clients = List().Select(c => int.Parse(c, NumberStyles.None, CultureInfo.InvariantCulture)).ToList();
                    break;
                case "--throughput-seconds":
                    options.ThroughputSeconds = Number();
                    break;
                case "--load":
                    options.LoadModes = Check(List(), "inproc", "child");
                    break;
                case "--pollers":
                    options.Pollers = (int)Number();
                    break;
                case "--throttle-rate":
                    options.ThrottleRate = Number();
                    break;
                case "--throttle-burst":
                    options.ThrottleBurst = (int)Number();
                    break;
                case "--throttle-drive":
                    options.ThrottleDrive = Number();
                    break;
                case "--throttle-seconds":
                    options.ThrottleSeconds = Number();
                    break;
                case "--stack-clients":
                    options.StackClients = (int)Number();
                    break;
                case "--stack-seconds":
                    options.StackSeconds = Number();
                    break;
                case "--stack-open-rps":
                    options.StackOpenRate = Number();
                    break;
                case "--stack-environments":
                    options.StackEnvironments = (int)Number();
                    break;
                case "--expect-greeting":
                    options.ExpectGreeting = true;
                    break;
                case "--load-only":
                    options.LoadOnly = true;
                    break;
                case "--url":
                    options.Url = new Uri(Value());
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        if (options.Clients.Count == 0 || options.Clients.Any(c => c < 1))
        {
            throw new ArgumentException("--clients needs positive numbers.");
        }

        return options;
    }

    private static IReadOnlyList<string> Check(IReadOnlyList<string> values, params string[] allowed) =>
        values.FirstOrDefault(v => !allowed.Contains(v)) is { } bad
            ? throw new ArgumentException($"Unknown value '{bad}'; expected one of {string.Join(", ", allowed)}.")
            : values;
}
