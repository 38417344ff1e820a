using SecureLambda.Testing;

namespace SecureLambda.Bench.Gateway;

/// <summary>
/// The whole LocalCloud app (<c>Program</c>) in this process, hosted the tests' way (<see cref="LocalCloudServer"/>),
/// against a moto of its own, provisioned from the production template with the given parameter overrides: Production
/// environment, logging at Warning, the real clock.
/// </summary>
internal sealed class BenchStack : IAsyncDisposable
{
    private readonly MotoServer _moto;

    private BenchStack(MotoServer moto, LocalCloudServer<Program> server)
    {
        _moto = moto;
        Server = server;
    }

    /// <summary>
    /// The template's parameters with the stage's and client apps' throttles, the daily quota and the WAF rate-based
    /// rule out of the way: all load comes from 127.0.0.1 with one key.
    /// </summary>
    public static IReadOnlyDictionary<string, string> LimitsRaised { get; } = new Dictionary<string, string>
    {
        ["ThrottlingRateLimit"] = "100000",
        ["ThrottlingBurstLimit"] = "100000",
        ["ClientThrottlingRateLimit"] = "100000",
        ["ClientThrottlingBurstLimit"] = "100000",
        ["ClientDailyQuota"] = "2000000000",
        ["WafRateLimit"] = "2000000000",
    };

    public LocalCloudServer<Program> Server { get; }

    /// <summary>The engine behind LocalCloud's AWS endpoint, for the baseline that calls it directly.</summary>
    public MotoServer Moto => _moto;

    public static async Task<BenchStack> StartAsync(IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, string?>? settingsOverrides = null)
    {
        var moto = await MotoServer.StartAsync();
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            };
            foreach (var (name, value) in parameters)
            {
                settings[$"LocalCloud:Parameters:{name}"] = value;
            }

            foreach (var (name, value) in settingsOverrides ?? new Dictionary<string, string?>())
            {
                settings[name] = value;
            }

            return new BenchStack(moto, await LocalCloudServer.StartAsync<Program>(moto, settings, environment: "Production"));
        }
        catch
        {
            await moto.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await _moto.DisposeAsync();
    }
}
