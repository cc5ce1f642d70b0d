using System.Net;
using Keel.Core.Deployments;
using Keel.Core.Monitoring;
using Keel.Core.PredictionLog;
using Keel.Core.Search;
using Keel.Tracking.PredictionLog;

namespace Keel.Web.Tests;

/// <summary>The deployments, monitoring and searches pages over what a real store holds.</summary>
public sealed class UiOperationsPageTests : UiServerTests
{
    private async Task<string> HtmlAsync(string url)
    {
        var response = await Http.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, html);
        return html;
    }

    [Fact]
    public async Task DeploymentPage_CanaryStepsAndLoggedPredictions_ShowsSplitTimelineLatencyAndHistory()
    {
        var now = DateTimeOffset.UtcNow;
        await F.Store.Deployments.ApplyAsync(new Deployment
        {
            Name = "credit-api", Champion = "credit@champion", Challenger = "credit@challenger", Strategy = "canary", SpecText = "name: credit-api",
            State = new DeploymentState(RolloutPhase.Created, DeploymentMode.Full, 0, 0),
        }, "ann");
        await F.Store.Deployments.ChangeStateAsync("credit-api", DeploymentEventKind.Start, new DeploymentState(RolloutPhase.Running, DeploymentMode.Full, 10, 0), "ann", null);
        await F.Store.Deployments.ChangeStateAsync("credit-api", DeploymentEventKind.Step, new DeploymentState(RolloutPhase.Running, DeploymentMode.Full, 25, 1), "keel", "guards held");
        await F.Store.Deployments.ChangeStateAsync("credit-api", DeploymentEventKind.Rollback, new DeploymentState(RolloutPhase.RolledBack, DeploymentMode.Full, 0, 1), "rollout", "guard");
        await using (var log = await PredictionLogStores.OpenSqliteAsync(PredictionLogStores.BesideDatabase(F.Store.DatabasePath)))
            await log.AppendAsync(Enumerable.Range(0, 20).Select(i => new PredictionRecord
            {
                RequestId = $"r{i}", Time = now.AddSeconds(-i * 10), Model = "credit", Version = 1 + i % 2, Arm = i % 2 == 0 ? "champion" : "challenger",
                Endpoint = "invocations", Deployment = "credit-api", LatencyMs = i, Rows = 1, InputsJson = "[{}]", OutputsJson = "[0]",
            }).ToList());
        var html = await HtmlAsync("ui/deployments/credit-api");
        Assert.Contains("id=\"traffic-split\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"rollout-timeline\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"latency\"", html, StringComparison.Ordinal);
        Assert.Contains("10 % → 25 %", html, StringComparison.Ordinal);
        Assert.Contains("guards held", html, StringComparison.Ordinal);
        // Phases as the CLI and the files write them, and the way on after a rollback.
        Assert.Contains("running &#x2192; rolled_back", html, StringComparison.Ordinal);
        Assert.Contains("`keel deployments start credit-api` starts a new attempt", html, StringComparison.Ordinal);
        Assert.Contains("/ui/deployments/credit-api", await HtmlAsync("ui/deployments"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeploymentPage_RunningBandit_CountsRequestsPerArmFromTheLogInsteadOfAStoredShare()
    {
        var now = DateTimeOffset.UtcNow;
        await F.Store.Deployments.ApplyAsync(new Deployment
        {
            Name = "bandit-api", Champion = "credit@champion", Challenger = "credit@challenger", Strategy = "bandit", SpecText = "name: bandit-api",
            State = new DeploymentState(RolloutPhase.Created, DeploymentMode.Full, 0, 0),
        }, "ann");
        await F.Store.Deployments.ChangeStateAsync("bandit-api", DeploymentEventKind.Start, new DeploymentState(RolloutPhase.Running, DeploymentMode.Full, 50, 0), "keel serve", null);
        // The bandit sent 17 of 20 requests to the champion; a shadow copy is no answer.
        await using (var log = await PredictionLogStores.OpenSqliteAsync(PredictionLogStores.BesideDatabase(F.Store.DatabasePath)))
            await log.AppendAsync(Enumerable.Range(0, 21).Select(i => new PredictionRecord
            {
                RequestId = $"b{i}", Time = now.AddSeconds(-i), Model = "credit", Version = 1, Arm = i == 20 ? PredictionRecord.ShadowArm : i < 17 ? "champion" : "challenger",
                Endpoint = "invocations", Deployment = "bandit-api", LatencyMs = 1, Rows = 1, InputsJson = "[{}]", OutputsJson = "[0]",
            }).ToList());

        var html = await HtmlAsync("ui/deployments/bandit-api");

        Assert.DoesNotContain("id=\"traffic-split\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"requests-by-arm\"", html, StringComparison.Ordinal);
        var chart = ChartSpec(html, "requests-by-arm");
        Assert.Equal(["challenger", "champion"], chart.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!));
        Assert.Equal([3.0, 17.0], chart.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Contains("0 % → by rewards", html, StringComparison.Ordinal);
        Assert.Contains("<td>by rewards</td>", await HtmlAsync("ui/deployments"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeploymentPage_Promoted_ShowsTheVersionsTheAliasesNameAndThatTheChallengerServes()
    {
        var run = await F.Store.Tracking.CreateRunAsync((await F.Store.Tracking.GetOrCreateExperimentAsync("e")).Id, "train", DateTimeOffset.UtcNow, new Dictionary<string, string>());
        foreach (var _ in Enumerable.Range(0, 2))
            await F.Store.Registry.RegisterAsync(new Keel.Core.Registry.ModelVersion
            {
                Name = "credit", SourceRunId = run.Id, ModelSha256 = new string('a', 64), Candidate = "lgbm", Task = "binary", SchemaJson = "{}", DataSha256 = new string('b', 64),
            });
        await F.Store.Registry.SetAliasAsync("credit", "champion", 1, "ann", null);
        await F.Store.Registry.SetAliasAsync("credit", "challenger", 2, "ann", null);
        await F.Store.Deployments.ApplyAsync(new Deployment
        {
            Name = "done", Champion = "credit@champion", Challenger = "credit@challenger", Strategy = "canary", SpecText = "name: done",
            State = new DeploymentState(RolloutPhase.Promoted, DeploymentMode.Full, 100, 0),
        }, "ann");

        var html = await HtmlAsync("ui/deployments/done");

        Assert.Contains("credit@champion → <a href=\"/ui/models/credit\">v1</a>", html, StringComparison.Ordinal);
        Assert.Contains("credit@challenger → <a href=\"/ui/models/credit\">v2</a>", html, StringComparison.Ordinal);
        Assert.Contains("Promoted: the challenger, version 2, answers everything. A promotion moves traffic, not aliases: credit@champion names version 1", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeploymentsPages_TokenScopedToTheChampionOnly_NeitherListNorShowAChallengerOfAnotherModel()
    {
        Assert.Contains("keel deployments create FILE", await HtmlAsync("ui/deployments"), StringComparison.Ordinal);
        await F.Store.Deployments.ApplyAsync(new Deployment
        {
            Name = "swap", Champion = "credit@champion", Challenger = "shop@candidate", Strategy = "canary", SpecText = "name: swap",
            State = new DeploymentState(RolloutPhase.Created, DeploymentMode.Full, 0, 0),
        }, "ann");
        async Task<(HttpStatusCode, string)> With(string token, string url)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("Cookie", "keel_token=" + token);
            var response = await Http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        var creditOnly = await F.TokenAsync(TokenRole.Read, models: ["credit"]);
        var both = await F.TokenAsync(TokenRole.Read, models: ["credit", "shop"]);

        Assert.DoesNotContain("/ui/deployments/swap", (await With(creditOnly, "ui/deployments")).Item2, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await With(creditOnly, "ui/deployments/swap")).Item1);
        Assert.Contains("/ui/deployments/swap", (await With(both, "ui/deployments")).Item2, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await With(both, "ui/deployments/swap")).Item1);
    }

    [Fact]
    public async Task DeploymentPage_BusyDay_LatencyCoversTheWholeLast24Hours()
    {
        var now = DateTimeOffset.UtcNow;
        await F.Store.Deployments.ApplyAsync(new Deployment
        {
            Name = "busy", Champion = "credit@champion", Strategy = "none", SpecText = "name: busy",
            State = new DeploymentState(RolloutPhase.Created, DeploymentMode.Full, 0, 0),
        }, "ann");
        // 25,000 requests in the minute 23 hours ago, then 10 in the last minutes: the chart's last point is the latest minute.
        PredictionRecord Request(int i, DateTimeOffset at, double ms) => new()
        {
            RequestId = $"q{i}", Time = at, Model = "credit", Version = 1, Arm = "champion", Endpoint = "invocations", Deployment = "busy", LatencyMs = ms, Rows = 1,
            InputsJson = "[{}]", OutputsJson = "[0]",
        };
        var early = now.AddHours(-23);
        await using (var log = await PredictionLogStores.OpenSqliteAsync(PredictionLogStores.BesideDatabase(F.Store.DatabasePath)))
        {
            await log.AppendAsync(Enumerable.Range(0, 25_000).Select(i => Request(i, early, 1)).ToList());
            await log.AppendAsync(Enumerable.Range(0, 10).Select(i => Request(25_000 + i, now.AddMinutes(-3), 40 + i)).ToList());
            // The same model in the same minute, served by another deployment and without one: not this deployment's latency.
            await log.AppendAsync(Enumerable.Range(0, 10).Select(i => Request(26_000 + i, now.AddMinutes(-3), 900) with { Deployment = i % 2 == 0 ? "other" : null })
                .ToList());
        }
        var points = ChartSpec(await HtmlAsync("ui/deployments/busy"), "latency").GetProperty("series")[0].GetProperty("points").EnumerateArray()
            .Select(p => (p[0].GetDouble(), p[1].GetDouble())).ToArray();
        Assert.Equal(2, points.Length);
        Assert.Equal(early.ToUnixTimeMilliseconds() / 60_000 * 60_000.0, points[0].Item1);
        // p95 of 40..49 ms: the 10th of 10 values.
        Assert.Equal((now.AddMinutes(-3).ToUnixTimeMilliseconds() / 60_000 * 60_000.0, 49.0), points[1]);
    }

    [Fact]
    public async Task MonitoringPage_RegressionWindows_ErrorsInLabelUnitsApartFromR2AndMape()
    {
        var run = await F.Store.Tracking.CreateRunAsync((await F.Store.Tracking.GetOrCreateExperimentAsync("e")).Id, "r", DateTimeOffset.UtcNow, new Dictionary<string, string>());
        await F.Store.Registry.RegisterAsync(new Keel.Core.Registry.ModelVersion
        {
            Name = "price", SourceRunId = run.Id, ModelSha256 = new string('a', 64), Candidate = "lgbm", Task = "regression", SchemaJson = "{}", DataSha256 = new string('b', 64),
        });
        await F.Store.Monitoring.AppendAsync(Enumerable.Range(0, 2).Select(i => new MonitoringWindow
        {
            Model = "price", Version = 1, Window = $"rows {i * 300}–{i * 300 + 299}", CreatedAt = DateTimeOffset.UtcNow, Source = "log",
            Figures = new Dictionary<string, double> { ["rmse"] = 20_000 + i, ["mae"] = 13_000, ["r2"] = 0.93, ["mape"] = 0.08, ["rows"] = 300 },
        }).ToList());

        var html = await HtmlAsync("ui/monitoring?model=price");

        // An rmse of 20,000 on the axis of an r2 of 0.93 would draw the r2 as a flat line at 0.
        string[] Labels(string chart) => ChartSpec(html, chart).GetProperty("series").EnumerateArray().Select(s => s.GetProperty("label").GetString()!).ToArray();
        Assert.Equal(["r2", "mape"], Labels("performance"));
        Assert.Equal(["rmse", "mae"], Labels("performance-units"));
    }

    [Fact]
    public async Task MonitoringPage_ThreeWindows_DrawsOneDriftStatisticAtATimeAndKeepsCountsOffPerformance()
    {
        var run = await F.Store.Tracking.CreateRunAsync((await F.Store.Tracking.GetOrCreateExperimentAsync("e")).Id, "r", DateTimeOffset.UtcNow, new Dictionary<string, string>());
        await F.Store.Registry.RegisterAsync(new Keel.Core.Registry.ModelVersion
        {
            Name = "credit", SourceRunId = run.Id, ModelSha256 = new string('a', 64), Candidate = "lgbm", Task = "binary", SchemaJson = "{}", DataSha256 = new string('b', 64),
        });
        var start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        await F.Store.Monitoring.AppendAsync(Enumerable.Range(0, 3).Select(i => new MonitoringWindow
        {
            Model = "credit", Version = 1, Window = $"2026-0{3 + i}", From = start.AddMonths(i), To = start.AddMonths(i + 1), CreatedAt = DateTimeOffset.UtcNow, Source = "march.csv",
            Figures = new Dictionary<string, double>
            {
                ["psi(amount)"] = 0.05 * (i + 1), ["psi(assets)"] = 0.3, ["ks(amount)"] = 0.1, ["wasserstein(assets)"] = 5000 + i, ["drifted(assets)"] = 1,
                ["drift_share"] = i / 3.0, ["auc"] = 0.8 - i * 0.05, ["concept_drift"] = i == 2 ? 1 : 0, ["requests"] = 2000, ["rows"] = 4000, ["p99_ms"] = 12,
            },
        }).ToList());
        var html = await HtmlAsync("ui/monitoring?model=credit");
        Assert.Contains("<td>2026-05</td>", html, StringComparison.Ordinal);
        string[] Labels(string page, string chart) => ChartSpec(page, chart).GetProperty("series").EnumerateArray().Select(s => s.GetProperty("label").GetString()!).ToArray();
        // One statistic per chart, PSI by default, largest first: a distance in the column's own units (5,000) is not ranked against PSI.
        Assert.Equal(["psi(assets)", "psi(amount)"], Labels(html, "drift"));
        Assert.Equal(["drift_share"], Labels(html, "drift-share"));
        // Counts and verdicts are not performance: 2,000 requests would flatten an AUC of 0.8.
        Assert.Equal(["auc"], Labels(html, "performance"));
        Assert.DoesNotContain("id=\"performance-units\"", html, StringComparison.Ordinal);
        Assert.Equal(["requests", "rows"], Labels(html, "traffic"));
        Assert.Equal(["p99_ms"], Labels(html, "latency"));
        Assert.Contains("stat=wasserstein\"", html, StringComparison.Ordinal);
        Assert.Equal(["wasserstein(assets)"], Labels(await HtmlAsync("ui/monitoring?model=credit&stat=wasserstein"), "drift"));
        Assert.Equal(["ks(amount)"], Labels(await HtmlAsync("ui/monitoring?model=credit&stat=ks"), "drift"));
        // The model's alert is listed even when 250 newer alerts of another model follow it.
        await F.Store.Alerts.AppendAsync(new Keel.Core.Alerts.AlertRecord { Scope = "credit@champion", Rule = "psi(amount) > 0.2", Value = 0.3, Window = "2026-05", At = DateTimeOffset.UtcNow, Delivered = "terminal" });
        for (var i = 0; i < 250; i++)
            await F.Store.Alerts.AppendAsync(new Keel.Core.Alerts.AlertRecord { Scope = "shop@champion", Rule = "auc < 0.8", Value = 0.7, Window = $"w{i}", At = DateTimeOffset.UtcNow, Delivered = "terminal" });
        var withAlerts = await HtmlAsync("ui/monitoring?model=credit");
        Assert.Contains("psi(amount) &gt; 0.2", withAlerts, StringComparison.Ordinal);
        Assert.DoesNotContain("auc &lt; 0.8", withAlerts, StringComparison.Ordinal);
        var unknown = await Http.GetAsync("ui/monitoring?model=credit&stat=kl");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("stat &#x27;kl&#x27;", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchPage_EightCompleteTrialsAndAPrunedOne_ShowsHistoryImportanceIntermediateValuesAndParallelCoordinates()
    {
        const string definition = """{"SpecPath":"keel.yaml","Families":["lightgbm"],"Spaces":{"lightgbm":"learning_rate log[0.01, 0.3]; booster {gbdt, dart}"},"Metric":"auc"}""";
        await F.Store.Studies.CreateStudyAsync(new StudyRecord("credit-search", ["lightgbm"], 9, definition, DateTimeOffset.UtcNow));
        for (var i = 0; i < 9; i++)
        {
            var claim = await F.Store.Studies.ClaimTrialAsync("credit-search", "w", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
            var t = claim.Trial!;
            var lease = new TrialLease("credit-search", t.Number, t.Attempt, "w");
            // The objective follows the learning rate; the booster does not matter. The last trial is pruned after 2 of 3 rounds.
            await F.Store.Studies.SetTrialParamsAsync(lease, new Dictionary<string, double> { ["learning_rate"] = 0.01 * (i + 1), ["booster"] = i % 2 });
            await F.Store.Studies.ReportAsync(lease, Enumerable.Range(1, i == 8 ? 2 : 3).Select(r => KeyValuePair.Create(r, 0.7 - 0.01 * r)).ToList(), DateTimeOffset.UtcNow);
            await F.Store.Studies.FinishTrialAsync(lease, i == 8 ? TrialState.Pruned : TrialState.Complete, i == 8 ? null : 0.6 + 0.03 * i, null, null, DateTimeOffset.UtcNow);
        }
        var html = await HtmlAsync("ui/searches/credit-search");
        Assert.Contains("id=\"history\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"importance\"", html, StringComparison.Ordinal);
        Assert.Contains("lightgbm.learning_rate", html, StringComparison.Ordinal);
        // Each trial's options as it ran with them: the categorical choice by name, not its index.
        Assert.Contains("booster=dart, learning_rate=0.02", html, StringComparison.Ordinal);
        Assert.Contains("/ui/searches/credit-search", await HtmlAsync("ui/searches"), StringComparison.Ordinal);

        // Intermediate values: one line per trial that reported, the pruned one shorter.
        var curves = ChartSpec(html, "intermediate-lightgbm").GetProperty("series").EnumerateArray()
            .ToDictionary(s => s.GetProperty("label").GetString()!, s => s.GetProperty("points").GetArrayLength());
        Assert.Equal(9, curves.Count);
        Assert.Equal(2, curves["#8 pruned"]);
        Assert.Equal(3, curves["#0 complete"]);
        // Parameter pairs: learning_rate (the important one, log10) against booster, the trials by thirds of auc.
        var thirds = ChartSpec(html, "pair-lightgbm").GetProperty("series").EnumerateArray()
            .ToDictionary(s => s.GetProperty("label").GetString()!, s => s.GetProperty("points").EnumerateArray().Select(p => p[0].GetDouble()).ToArray());
        Assert.Equal((3, 3, 2), (thirds["best third"].Length, thirds["middle third"].Length, thirds["worst third"].Length));
        Assert.Equal(new[] { 0.08, 0.07, 0.06 }.Select(Math.Log10), thirds["best third"], (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Contains("lightgbm: booster against learning_rate, trials by auc", html, StringComparison.Ordinal);
        // Parallel coordinates: the complete trials, best first (drawn on top) and darkest, each option as it ran on hover.
        var parallel = ChartSpec(html, "parallel-lightgbm");
        Assert.Equal(["learning_rate", "booster", "auc"], parallel.GetProperty("axes").EnumerateArray().Select(a => a.GetString()));
        var lines = parallel.GetProperty("series").EnumerateArray().ToArray();
        Assert.Equal(["#7", "#6", "#5", "#4", "#3", "#2", "#1", "#0"], lines.Select(l => l.GetProperty("label").GetString()));
        Assert.Equal((1.0, 0.0), (lines[0].GetProperty("shade").GetDouble(), lines[^1].GetProperty("shade").GetDouble()));
        Assert.Equal(["0.08", "dart", "0.81"], lines[0].GetProperty("texts").EnumerateArray().Select(x => x.GetString()));
        // learning_rate 0.08 on the log axis [0.01, 0.3], booster dart the second of two choices.
        var best = lines[0].GetProperty("points").EnumerateArray().Select(p => p[1].GetDouble()).ToArray();
        Assert.Equal(Math.Log(8) / Math.Log(30), best[0], 9);
        Assert.Equal(1.0, best[1]);
    }

    [Fact]
    public async Task SearchesPages_TokenScopedToOneExperiment_ShowOnlyItsStudies()
    {
        const string definition = """{"SpecPath":"keel.yaml","Families":["linear"],"Spaces":{"linear":"l2_regularization log[0.0001, 10]"},"Metric":"auc"}""";
        foreach (var (study, experiment) in new[] { ("mine", "a"), ("theirs", "b"), ("runless", (string?)null) })
        {
            var run = experiment is null ? null
                : await F.Store.Tracking.CreateRunAsync((await F.Store.Tracking.GetOrCreateExperimentAsync(experiment)).Id, study, DateTimeOffset.UtcNow, new Dictionary<string, string>());
            await F.Store.Studies.CreateStudyAsync(new StudyRecord(study, ["linear"], 4, definition, DateTimeOffset.UtcNow) { SearchRunId = run?.Id });
        }
        var token = await F.TokenAsync(TokenRole.Read, experiments: ["a"]);
        async Task<(HttpStatusCode, string)> AsScoped(string url)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("Cookie", "keel_token=" + token);
            var response = await Http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var (status, list) = await AsScoped("ui/searches");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("/ui/searches/mine", list, StringComparison.Ordinal);
        Assert.DoesNotContain("/ui/searches/theirs", list, StringComparison.Ordinal);
        Assert.DoesNotContain("/ui/searches/runless", list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await AsScoped("ui/searches/mine")).Item1);
        Assert.Equal(HttpStatusCode.Forbidden, (await AsScoped("ui/searches/theirs")).Item1);
        Assert.Equal(HttpStatusCode.Forbidden, (await AsScoped("ui/searches/runless")).Item1);
        // Without a token (loopback) every study is listed.
        var all = await HtmlAsync("ui/searches");
        Assert.Contains("/ui/searches/theirs", all, StringComparison.Ordinal);
        Assert.Contains("/ui/searches/runless", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchPage_TwoObjectives_PlotsEveryCompleteTrialWithTheFrontApart()
    {
        const string definition = """{"SpecPath":"keel.yaml","Families":["linear"],"Spaces":{"linear":"l2_regularization log[0.0001, 10]"},"Metric":"auc","Objectives":["auc","latency"],"Sampler":"nsga2","Population":2,"Pruner":"none"}""";
        await F.Store.Studies.CreateStudyAsync(new StudyRecord("mo-search", ["linear"], 4, definition, DateTimeOffset.UtcNow));
        var experiment = await F.Store.Tracking.GetOrCreateExperimentAsync("mo");
        // (auc, µs/row): trials 0 and 1 are the front; 2 is beaten by 0 on both, 3 by 1 (same auc, slower).
        var figures = new[] { (0.80, 5.0), (0.85, 10.0), (0.79, 20.0), (0.85, 12.0) };
        foreach (var (auc, latency) in figures)
        {
            var claim = await F.Store.Studies.ClaimTrialAsync("mo-search", "w", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
            var lease = new TrialLease("mo-search", claim.Trial!.Number, claim.Trial.Attempt, "w");
            var run = await F.Store.Tracking.CreateRunAsync(experiment.Id, $"trial-{lease.Number}", DateTimeOffset.UtcNow, new Dictionary<string, string>());
            await F.Store.Tracking.LogBatchAsync(run.Id, new Keel.Core.Tracking.LogBatch { Metrics = [new("val.auc", auc, 0, DateTimeOffset.UtcNow), new("predict_us_per_row", latency, 0, DateTimeOffset.UtcNow)] });
            await F.Store.Studies.SetTrialParamsAsync(lease, new Dictionary<string, double> { ["l2_regularization"] = 0.1 });
            await F.Store.Studies.SetTrialRunAsync(lease, run.Id);
            await F.Store.Studies.FinishTrialAsync(lease, TrialState.Complete, auc, [auc, latency], null, DateTimeOffset.UtcNow);
        }

        var html = await HtmlAsync("ui/searches/mo-search");

        // The trials table shows each trial's values per objective as the study keeps them.
        Assert.Contains("<th>auc · latency µs/row</th>", html, StringComparison.Ordinal);
        Assert.Contains("<td>0.79 · 20</td>", System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        // Searched by nsga2 with a population of 2: trials 0 and 1 are the first generation, 2 and 3 the second.
        Assert.Contains("<td>1 (gen 0)</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>2 (gen 1)</td>", html, StringComparison.Ordinal);
        Assert.Contains("<p>Sampler nsga2 (population 2), pruner none.</p>", html, StringComparison.Ordinal);

        Assert.Contains("2 of 4 complete trials are on the front (auc higher is better, latency lower is better)", html, StringComparison.Ordinal);
        var series = ChartSpec(html, "pareto-latency").GetProperty("series").EnumerateArray()
            .ToDictionary(x => x.GetProperty("label").GetString()!, x => x.GetProperty("points").EnumerateArray().Select(p => (p[0].GetDouble(), p[1].GetDouble())).ToArray());
        Assert.Equal([(5.0, 0.80), (10.0, 0.85)], series["Pareto front"]);
        Assert.Equal([(20.0, 0.79), (12.0, 0.85)], series["other trials"]);
        Assert.True(ChartSpec(html, "pareto-latency").GetProperty("xLog").GetBoolean()); // latency on a log axis
        // The front's hypervolume by trial, in (−auc, latency): best (−0.85, 5), reference (0.9 × −0.79, 1.1 × 20) = (−0.711, 22);
        // trial 0 dominates 0.089 × 17 of the 0.139 × 17 box, trial 1 adds 0.05 × 12, trials 2 and 3 nothing.
        var hypervolume = ChartSpec(html, "hypervolume").GetProperty("series")[0].GetProperty("points").EnumerateArray().Select(p => (p[0].GetDouble(), p[1].GetDouble())).ToArray();
        double first = 0.089 * 17 / (0.139 * 17), second = (0.089 * 17 + 0.05 * 12) / (0.139 * 17);
        Assert.Equal([(0.0, first), (1.0, second), (2.0, second), (3.0, second)], hypervolume, (a, b) => a.Item1 == b.Item1 && Math.Abs(a.Item2 - b.Item2) < 1e-9);
    }

    [Fact]
    public async Task SearchPage_TrialRunning_ReloadsItselfUntilItsWorkerGoesSilent()
    {
        const string definition = """{"SpecPath":"keel.yaml","Families":["linear"],"Spaces":{"linear":"l2_regularization log[0.0001, 10]"},"Metric":"auc","StaleAfterSeconds":30}""";
        await F.Store.Studies.CreateStudyAsync(new StudyRecord("live-search", ["linear"], 4, definition, DateTimeOffset.UtcNow));
        var claim = await F.Store.Studies.ClaimTrialAsync("live-search", "w", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        var lease = new TrialLease("live-search", claim.Trial!.Number, claim.Trial.Attempt, "w");

        var live = await HtmlAsync("ui/searches/live-search");
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"10\">", live, StringComparison.Ordinal);
        Assert.Contains("Trials are running: this page reloads every 10 s.", live, StringComparison.Ordinal);

        // Its worker last beat two minutes ago, past stale_after (30 s): the page stops reloading.
        await F.Store.Studies.HeartbeatTrialAsync(lease, DateTimeOffset.UtcNow.AddMinutes(-2));
        Assert.DoesNotContain("http-equiv=\"refresh\"", await HtmlAsync("ui/searches/live-search"), StringComparison.Ordinal);
        await F.Store.Studies.FinishTrialAsync(lease, TrialState.Complete, 0.8, null, null, DateTimeOffset.UtcNow);
        Assert.DoesNotContain("http-equiv=\"refresh\"", await HtmlAsync("ui/searches/live-search"), StringComparison.Ordinal);
    }

    /// <summary>The chart spec of the canvas with id <paramref name="id"/>.</summary>
    private static System.Text.Json.JsonElement ChartSpec(string html, string id)
    {
        var m = System.Text.RegularExpressions.Regex.Match(html, $"<canvas id=\"{id}\" data-chart=\"([^\"]*)\"");
        Assert.True(m.Success, $"no chart {id}");
        return System.Text.Json.JsonDocument.Parse(WebUtility.HtmlDecode(m.Groups[1].Value)).RootElement;
    }
}
