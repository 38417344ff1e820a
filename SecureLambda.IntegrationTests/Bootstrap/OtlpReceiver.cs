using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SecureLambda.IntegrationTests.Bootstrap;

/// <summary>
/// A stand-in for an OTLP/HTTP collector (the Aspire dashboard's role): it keeps every protobuf export it receives,
/// by signal, so a test can look for a trace id or a log text in what the function had exported by a given moment.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Signal, byte[] Body)> _exports = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = string.Empty;

    /// <param name="answerAfter">When given, every export is answered only once this completes: a collector that hangs.</param>
    public static async Task<OtlpReceiver> StartAsync(Task? answerAfter = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            receiver._exports.Enqueue((signal, body.ToArray()));
            if (answerAfter is not null)
            {
                await answerAfter;
            }

            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.Endpoint = address.TrimEnd('/');
        return receiver;
    }

    /// <summary>Whether an export of <paramref name="signal"/> (traces, logs) whose bytes contain <paramref name="needle"/> has arrived.</summary>
    public bool HasExportContaining(string signal, byte[] needle) =>
        _exports.Any(export => export.Signal == signal && export.Body.AsSpan().IndexOf(needle) >= 0);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
