using System.CommandLine;
using Spectre.Console;
using Keel.Pipeline.Predict;
using Keel.Serving.Hosting;
using Keel.Tracking.PredictionLog;

namespace Keel.Cli.Commands;

/// <summary>`keel serve`: answers predictions over HTTP (MLflow /invocations, Open Inference Protocol v2, /metrics, /feedback).</summary>
internal static class ServeCommand
{
    public static Command Build(CommandOptions o)
    {
        var host = new Option<string>("--host") { Description = "Address to listen on; beyond loopback, /feedback and admin endpoints need a bearer token (keel tokens create)", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port (0 picks a free one)", DefaultValueFactory = _ => 8080 };
        var models = new Option<string[]>("--model")
        {
            Description = "Model to serve: NAME (latest version), NAME@ALIAS or NAME:VERSION; repeat for several (default: every registered model)",
            AllowMultipleArgumentsPerToken = false,
        };
        var noLog = new Option<bool>("--no-prediction-log") { Description = "Do not log predictions (also turns /feedback off)" };
        var deployment = new Option<string?>("--deployment")
        {
            Description = "Serve a deployment file (keel.deploy.yaml): champion and challenger routed by its strategy; created or updated in the store",
        };
        var poll = new Option<double>("--poll-seconds") { Description = "How often aliases (and a deployment's state) are checked for changes", DefaultValueFactory = _ => 5 };
        var monitorEvery = new Option<string?>("--monitor-every")
        {
            Description = "With --deployment: monitor the prediction log's last interval this often (e.g. 1h, 30m; default the file's monitor.every), store it, check its alert rules and expose keel_drift in /metrics",
        };
        var command = new Command("serve", "Serve registered models over HTTP: /invocations, /v2/models/NAME/infer, /metrics, /feedback")
        {
            host, port, models, noLog, poll, deployment, monitorEvery,
        };
        command.SetAction(async (result, ct) =>
        {
            var references = (result.GetValue(models) ?? []).Select(ModelReference.Parse).ToArray();
            var seconds = result.GetValue(poll);
            if (!(seconds > 0)) throw new Keel.Core.KeelInputException($"--poll-seconds {seconds}: expected a positive number of seconds.");
            var p = result.GetValue(port);
            if (p is < 0 or > 65535) throw new Keel.Core.KeelInputException($"--port {p}: expected 0..65535.");
            var deploymentPath = result.GetValue(deployment);
            var file = deploymentPath is null ? default : Keel.Serving.Rollouts.DeploymentFileReader.ReadFile(deploymentPath);
            await using var store = deploymentPath is null ? await o.OpenForReadingAsync(result, ct) : await o.OpenForWritingAsync(result, ct);
            var options = new ServeOptions
            {
                Host = result.GetValue(host)!,
                Port = p,
                Models = references,
                AliasPollInterval = TimeSpan.FromSeconds(seconds),
                PredictionLog = result.GetValue(noLog) ? null : t => PredictionLogStores.OpenAsync(store, t),
            };
            var served = file.File is null ? null : new DeploymentServeOptions(file.File, file.Text, store.Deployments) { StatePollInterval = TimeSpan.FromSeconds(seconds) };
            var every = result.GetValue(monitorEvery) is { } e
                ? Keel.Pipeline.Search.Durations.Parse(e) ?? throw new Keel.Core.KeelInputException($"--monitor-every '{e}': expected a duration such as 30m or 1h.")
                : file.File is null ? (TimeSpan?)null : Keel.Pipeline.Monitor.MonitorSchedule.Every(file.Text, Path.GetFileName(deploymentPath!));
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan }; // each webhook attempt has its own timeout
            ScheduledMonitoring? monitoring = null;
            if (every is { } interval)
            {
                if (served is null || options.PredictionLog is null)
                    throw new Keel.Core.KeelInputException("--monitor-every needs --deployment FILE and the prediction log (it monitors what the deployment answered).");
                var alerting = new Keel.Pipeline.Monitor.MonitorAlerting(o.Context.Error, http);
                monitoring = new ScheduledMonitoring(interval, t => Keel.Pipeline.Monitor.MonitorSchedule.RunLastWindowAsync(store, served.File.Endpoint, interval, o.Context.Time, alerting, t));
            }
            await using var server = await ServingHost.StartAsync(options, store.Registry, store.Artifacts, o.Context.Time, ct: ct, deployment: served, tokens: store.Deployments,
                monitoring: monitoring);
            if (monitoring is not null) o.Context.Console.MarkupLineInterpolated($"Monitoring the prediction log every {monitoring.Every} (keel_drift in /metrics; keel monitor --deployment {served!.File.Endpoint} for the figures)");
            if (served is not null)
                o.Context.Console.MarkupLineInterpolated($"Deployment [bold]{served.File.Endpoint}[/]: {served.File.Champion} and {served.File.Challenger?.ToString() ?? "no challenger"} (see keel deployments show {served.File.Endpoint})");
            foreach (var name in server.Catalog.Names)
            {
                var m = server.Catalog.Current(name)!;
                o.Context.Console.MarkupLineInterpolated($"Serving [bold]{name}[/] version {m.Version.Version} ({m.Version.Candidate})");
            }
            o.Context.Console.MarkupLineInterpolated($"Listening on {server.Address} (POST {server.Address}invocations); Ctrl+C stops.");
            if (options.PredictionLog is not null) o.Context.Console.MarkupLineInterpolated($"Prediction log: {PredictionLogStores.Describe(store)}");
            try
            {
                await server.WaitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: stop gracefully below (requests finish, the log queue is written).
            }
            return KeelApp.ExitOk;
        });
        return command;
    }
}
