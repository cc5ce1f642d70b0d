using System.Net;
using Keel.Core.Deployments;
using Keel.Pipeline;
using Keel.Serving.Hosting;
using Keel.Serving.Rollouts;
using Keel.Tracking.PredictionLog;

namespace Keel.Serving.Tests;

/// <summary>`keel serve --deployment`: a real Kestrel on 127.0.0.1 routing through the rollout policy, state changes in the real store.</summary>
[Collection(ServedModelCollection.Name)]
public sealed class DeploymentServingTests(ServedModelFixture f)
{
    private Task<ServingHost> ServeAsync(string yaml, string? logPath = null) => DeploymentTesting.ServeAsync(f, yaml, logPath);

    private Task<HttpResponseMessage> PostRowAsync(HttpClient client, int row, string key) => DeploymentTesting.PostRowAsync(f, client, row, key);

    private static string Arm(HttpResponseMessage r) => DeploymentTesting.Arm(r);

    [Fact]
    public async Task ServeDeployment_Canary_SplitsWithinToleranceAndStaysStickyByKey()
    {
        const string yaml = """
            endpoint: canary-split
            champion: credit-risk@champion
            challenger: credit-risk@challenger
            routing_key: {header: X-Customer-Id}
            strategy:
              canary:
                steps: [30, 100]
                advance_after: {requests: 100000}
            guards: {max_p99_ratio: off, max_score_shift: off}
            """;
        await using var server = await ServeAsync(yaml);
        using var client = new HttpClient { BaseAddress = server.Address };
        var arms = new Dictionary<string, string>();
        for (var i = 0; i < 400; i++)
        {
            using var r = await PostRowAsync(client, i, "customer-" + i);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            arms["customer-" + i] = Arm(r);
        }
        var share = arms.Values.Count(a => a == "challenger") / 400.0;
        Assert.InRange(share, 0.22, 0.38);
        for (var i = 0; i < 100; i++)
        {
            using var again = await PostRowAsync(client, i + 7, "customer-" + i);
            Assert.Equal(arms["customer-" + i], Arm(again));
        }
        var history = await f.Store.Deployments.GetHistoryAsync("canary-split");
        Assert.Equal([DeploymentEventKind.Create, DeploymentEventKind.Start], history.Select(e => e.Kind));
        Assert.Equal(30, history[^1].To.ChallengerPercent);
    }

    [Fact]
    public async Task ServeDeployment_ChallengerFails_RollsBackRecordedAndCallersGetChampionAnswers()
    {
        await RegisterExtraColumnModelAsync();
        const string yaml = """
            endpoint: canary-failing
            champion: credit-risk@champion
            challenger: credit-risk-extra@challenger
            routing_key: {header: X-Customer-Id}
            strategy:
              canary:
                steps: [50, 100]
                advance_after: {requests: 100000}
            guards: {max_error_rate: 0.05, max_p99_ratio: off, max_score_shift: off, window: 100, min_requests: 10}
            """;
        var file = DeploymentFileReader.Parse(yaml, "keel.deploy.yaml");
        await using var server = await ServingHost.StartAsync(new ServeOptions { Port = 0 }, f.Store.Registry, f.Store.Artifacts, f.Clock,
            deployment: new DeploymentServeOptions(file, yaml, f.Store.Deployments));
        var challenger = (await f.Store.Registry.GetByAliasAsync("credit-risk-extra", "challenger"))!;
        Assert.Contains("Region", (await Keel.Pipeline.Predict.ModelLoader.LoadAsync(f.Store.Artifacts, challenger)).InputSchema.Columns.Select(c => c.Name));
        using var client = new HttpClient { BaseAddress = server.Address };
        for (var i = 0; i < 60; i++)
        {
            // The challenger needs a column these rows lack, so each of its requests fails; the champion answers instead.
            using var r = await PostRowAsync(client, i, "user-" + i);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("champion", Arm(r));
        }
        DeploymentEvent? rollback = null;
        for (var i = 0; i < 200 && rollback is null; i++)
        {
            rollback = (await f.Store.Deployments.GetHistoryAsync("canary-failing")).FirstOrDefault(e => e.Kind == DeploymentEventKind.Rollback);
            if (rollback is null) await Task.Delay(25);
        }
        Assert.NotNull(rollback);
        Assert.Equal(RolloutPhase.RolledBack, rollback.To.Phase);
        Assert.Contains("error", rollback.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(RolloutPhase.RolledBack, (await f.Store.Deployments.GetAsync("canary-failing"))!.State.Phase);
        var metrics = await client.GetStringAsync("metrics");
        Assert.Contains($"keel_request_errors_total{{model=\"credit-risk-extra\",version=\"{challenger.Version}\",arm=\"challenger\",code=\"fallback\"}}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServeDeployment_Shadow_LogsChallengerAnswersAndNeverReturnsThem()
    {
        const string yaml = """
            endpoint: shadowed
            champion: credit-risk@champion
            challenger: credit-risk@challenger
            strategy: shadow
            """;
        var logPath = Path.Combine(f.Folder, "shadow-predictions.db");
        var ids = new List<string>();
        await using (var server = await ServeAsync(yaml, logPath))
        {
            using var client = new HttpClient { BaseAddress = server.Address };
            for (var i = 0; i < 20; i++)
            {
                using var r = await PostRowAsync(client, i, "k" + i);
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Equal("champion", Arm(r));
                ids.Add(r.Headers.GetValues("Keel-Request-Id").Single());
            }
            await using var log = await PredictionLogStores.OpenSqliteAsync(logPath);
            for (var i = 0; i < 500; i++)
            {
                if (await log.GetAsync(ids[^1] + ".shadow") is not null) break;
                f.Clock.Advance(TimeSpan.FromMilliseconds(200)); // the writer's flush interval runs on the fake clock
                await Task.Delay(10);
            }
        }
        await using var written = await PredictionLogStores.OpenSqliteAsync(logPath);
        foreach (var id in ids)
        {
            Assert.Equal(("champion", "shadowed"), ((await written.GetAsync(id))!.Prediction.Arm, (await written.GetAsync(id))!.Prediction.Deployment));
            var shadow = await written.GetAsync(id + ".shadow");
            Assert.NotNull(shadow);
            Assert.Equal(("shadow", "shadowed"), (shadow.Prediction.Arm, shadow.Prediction.Deployment));
        }
    }

    private async Task RegisterExtraColumnModelAsync()
    {
        if (await f.Store.Registry.GetByAliasAsync("credit-risk-extra", "challenger") is not null) return;
        var folder = Path.Combine(f.Folder, "extra");
        Directory.CreateDirectory(folder);
        var lines = await File.ReadAllLinesAsync(f.CsvPath);
        await File.WriteAllLinesAsync(Path.Combine(folder, "credit_extra.csv"),
            lines.Select((l, i) => l + (i == 0 ? ",Region" : i % 3 == 0 ? ",north" : ",south")));
        var spec = Path.Combine(folder, "keel.yaml");
        await File.WriteAllTextAsync(spec, """
            experiment: serving-extra
            data:
              path: credit_extra.csv
              label: Status
              positive_class: good
            models:
              - type: lightgbm
                options: {number_of_iterations: 5}
            register:
              name: credit-risk-extra
              alias: challenger
            seed: 7
            """);
        var prepared = RunPreparation.Prepare(spec, null);
        await new RunPipeline(f.Store, TimeProvider.System, new Progress<PipelineProgress>(), "tester")
            .ExecuteAsync(prepared, id => Path.Combine(folder, id + ".html"), CancellationToken.None);
    }
}
