using Keel.Core.Alerts;
using Keel.Core.PredictionLog;
using Keel.Pipeline.Monitor;
using Keel.Serving.Hosting;
using Keel.Serving.Rollouts;
using Keel.Tracking.PredictionLog;

namespace Keel.Serving.Tests;

/// <summary>`keel serve --deployment FILE --monitor-every 1h`: monitoring on the server's (fake) clock over real Kestrel.</summary>
[Collection(ServedModelCollection.Name)]
public sealed class ScheduledMonitorTests(ServedModelFixture f)
{
    private const string Share = "(?m)^keel_drift_share [0-9.]+$";

    [Fact]
    public async Task Serve_MonitorEveryHour_StoresWindowFiresAlertAndExposesDriftGauges()
    {
        const string yaml = """
            endpoint: credit-monitored
            champion: credit-risk@champion
            monitor:
              every: 1h
              alerts: ['rows > 0']
            """;
        var every = MonitorSchedule.Every(yaml, "keel.deploy.yaml")!.Value;
        Assert.Equal(TimeSpan.FromHours(1), every);
        var start = f.Clock.GetUtcNow();
        using var terminal = new StringWriter();
        using var http = new HttpClient();
        var alerting = new MonitorAlerting(TextWriter.Synchronized(terminal), http);
        var file = DeploymentFileReader.Parse(yaml, "keel.deploy.yaml");
        await using var server = await ServingHost.StartAsync(
            new ServeOptions { Port = 0, PredictionLogPath = f.PredictionLogPath, PredictionLogBatch = 50 }, f.Store.Registry, f.Store.Artifacts, f.Clock,
            deployment: new DeploymentServeOptions(file, yaml, f.Store.Deployments),
            monitoring: new ScheduledMonitoring(every, ct => MonitorSchedule.RunLastWindowAsync(f.Store, "credit-monitored", every, f.Clock, alerting, ct)));
        using var client = new HttpClient { BaseAddress = server.Address };
        for (var row = 0; row < 40; row += 10)
            (await ServedModelFixture.PostAsync(client, "invocations", f.CsvRows(Enumerable.Range(row, 10)), "text/csv")).EnsureSuccessStatusCode();

        // Let the log writer flush (its interval runs on the fake clock), staying well inside the hour.
        await using (var log = await PredictionLogStores.OpenSqliteAsync(f.PredictionLogPath))
        {
            for (var i = 0; i < 500 && (await log.ListAsync(new PredictionQuery { Model = "credit-risk", From = start })).Sum(p => p.Prediction.Rows) < 40; i++)
            {
                f.Clock.Advance(TimeSpan.FromMilliseconds(200));
                await Task.Delay(10);
            }
        }
        var text = await client.GetStringAsync("metrics");
        Assert.DoesNotMatch(Share, text);

        f.Clock.Advance(every - (f.Clock.GetUtcNow() - start));
        for (var i = 0; i < 1000 && !System.Text.RegularExpressions.Regex.IsMatch(text, Share); i++)
        {
            await Task.Delay(20);
            text = await client.GetStringAsync("metrics");
        }

        Assert.Matches(Share, text);
        Assert.Matches("(?m)^keel_drift\\{column=\"[A-Za-z]+\",statistic=\"psi\"\\} ", text);
        var alert = Assert.Single(await f.Store.Alerts.ListAsync(new AlertQuery { Scope = "credit-monitored" }));
        Assert.Equal("rows > 0", alert.Rule);
        Assert.True(alert.Value >= 40);
        Assert.Contains("ALERT credit-monitored: rows > 0", terminal.ToString());
        var stored = await f.Store.Monitoring.ListAsync("credit-risk", f.Champion.Version, 100);
        Assert.Contains(stored, s => s.Window == alert.Window && s.Figures["rows"] >= 40);
    }
}
