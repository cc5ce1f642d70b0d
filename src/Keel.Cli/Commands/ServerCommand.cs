using System.CommandLine;
using Keel.Web;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel server`: the tracking server (REST API under /api/v1) over the store named by --store / KEEL_STORE.</summary>
internal static class ServerCommand
{
    public static Command Build(CommandOptions o)
    {
        var host = new Option<string>("--host") { Description = "Address to listen on; beyond loopback, tokens are required for reads too", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port (0 picks a free one)", DefaultValueFactory = _ => 5000 };
        var maxArtifact = new Option<long>("--max-artifact-mb") { Description = "Largest artifact upload, in MiB", DefaultValueFactory = _ => 1024 };
        var command = new Command("server", "Serve the tracking API (experiments, runs, metrics, artifacts, registry) and the web UI for a team; see docs/team.md and docs/ui.md")
        {
            host, port, maxArtifact,
        };
        command.SetAction(async (result, ct) =>
        {
            var mb = result.GetValue(maxArtifact);
            if (mb is < 1 or > 1 << 20) throw new Keel.Core.KeelInputException($"--max-artifact-mb {mb}: expected 1 to 1048576");
            await using var store = await o.OpenForWritingAsync(result, ct);
            var options = new WebOptions { Host = result.GetValue(host)!, Port = result.GetValue(port), MaxArtifactBytes = mb << 20 };
            await using var server = await TrackingServer.StartAsync(options, store, ct);
            o.Context.Console.MarkupLineInterpolated($"Tracking server on {server.Address}api/v1 over {store.Description}");
            o.Context.Console.MarkupLineInterpolated($"Web UI on {server.Address}ui/runs");
            o.Context.Console.MarkupLineInterpolated($"Writes need a token (keel tokens create NAME --role write); reads {(server.ReadsNeedToken ? "need one too" : "are open on loopback")}. Ctrl+C stops.");
            try
            {
                await server.WaitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: stop gracefully (requests in progress finish).
            }
            return KeelApp.ExitOk;
        });
        return command;
    }
}
