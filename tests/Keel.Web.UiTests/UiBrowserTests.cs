using Microsoft.Playwright;

namespace Keel.Web.UiTests;

/// <summary>The web UI in a real Chromium against a real `keel server`: open a run, compare two runs, move an alias and see its history.</summary>
public sealed class UiBrowserTests(KeelServerFixture f) : IClassFixture<KeelServerFixture>
{
    /// <summary>Whether Chart.js drew the canvas (it keeps a chart instance per canvas it drew).</summary>
    private static Task<bool> DrawnAsync(IPage page, string canvasId) =>
        page.EvaluateAsync<bool>("id => { const c = document.getElementById(id); return !!c && !!window.Chart && !!Chart.getChart(c) && c.width > 0; }", canvasId);

    [SkippableFact]
    public async Task RunPage_OpenedFromRunsTable_ShowsParamsAndADrawnStepChart()
    {
        Skip.If(KeelServerFixture.SkipReason is not null, KeelServerFixture.SkipReason);
        var page = await f.PageAsync();
        await page.GotoAsync("ui/runs?experiment=client-curves");
        await page.ClickAsync("#runs a:text-is('lr-0.3')");
        await page.WaitForURLAsync($"**/ui/runs/{f.ClientRuns[1]}");
        Assert.Equal("0.3", await page.TextContentAsync("#params tr:has(td:text-is('lr')) td:nth-child(2)"));
        await page.WaitForSelectorAsync("#metric-0[data-drawn=true]");
        Assert.True(await DrawnAsync(page, "metric-0"));
        Assert.Equal("loss", (await page.TextContentAsync("figure.chart figcaption"))!.Trim());
    }

    [SkippableFact]
    public async Task ComparePage_TwoRunsTicked_ShowsParamDiffOverlaidCurvesAndParallelCoordinates()
    {
        Skip.If(KeelServerFixture.SkipReason is not null, KeelServerFixture.SkipReason);
        var page = await f.PageAsync();
        await page.GotoAsync("ui/runs?experiment=client-curves");
        foreach (var id in f.ClientRuns) await page.CheckAsync($"input[name=run][value='{id}']");
        await page.ClickAsync("button:text-is('Compare selected runs')");
        await page.WaitForURLAsync("**/ui/compare?**");
        Assert.Equal(1, await page.Locator("#param-diff span.diff:text-is('lr')").CountAsync());
        Assert.Equal(0, await page.Locator("#param-diff span.diff:text-is('optimizer')").CountAsync());
        await page.WaitForSelectorAsync("#curve-0[data-drawn=true]");
        Assert.True(await DrawnAsync(page, "curve-0"));
        Assert.Equal(2, await page.EvaluateAsync<int>("() => Chart.getChart(document.getElementById('curve-0')).data.datasets.length"));
        Assert.True(await DrawnAsync(page, "parallel"));
    }

    [SkippableFact]
    public async Task ModelPage_AliasMovedWithTheCli_ShowsTheMoveInItsHistory()
    {
        Skip.If(KeelServerFixture.SkipReason is not null, KeelServerFixture.SkipReason);
        await f.KeelAsync("models", "alias", "credit-risk", "1", "champion");
        var page = await f.PageAsync();
        await page.GotoAsync("ui/models");
        await page.ClickAsync("#models a:text-is('credit-risk')");
        await page.WaitForURLAsync("**/ui/models/credit-risk");
        Assert.Contains("champion → v1", await page.TextContentAsync("#aliases"), StringComparison.Ordinal);
        // Newest first: v2 → v1 (the CLI move), v1 → v2 (the second run), – → v1 (the first run).
        var rows = await page.Locator("#alias-history tbody tr").AllAsync();
        Assert.Equal(3, rows.Count);
        Assert.Equal(["champion", "v2", "v1"], (await rows[0].Locator("td").AllTextContentsAsync()).Skip(1).Take(3));
        Assert.Equal(["champion", "v1", "v2"], (await rows[1].Locator("td").AllTextContentsAsync()).Skip(1).Take(3));
        Assert.Equal(["champion", "–", "v1"], (await rows[2].Locator("td").AllTextContentsAsync()).Skip(1).Take(3));
        await page.WaitForSelectorAsync("#alias-timeline[data-drawn=true]");
        Assert.True(await DrawnAsync(page, "alias-timeline"));
        // Versions are whole numbers: 0 to one past the latest, a tick on each version and none between.
        var ticks = await page.EvaluateAsync<double[]>("() => Chart.getChart(document.getElementById('alias-timeline')).scales.y.ticks.map(t => t.value)");
        Assert.Equal([0.0, 1.0, 2.0, 3.0], ticks);
    }

    [SkippableFact]
    public async Task DeploymentPage_OneLoggedRequest_DrawsLatencyOverTheLastDayAndTrafficOnZeroToHundred()
    {
        Skip.If(KeelServerFixture.SkipReason is not null, KeelServerFixture.SkipReason);
        var file = Path.Combine(f.Folder, "credit-api.deploy.yaml");
        await File.WriteAllTextAsync(file, "endpoint: credit-api\nchampion: credit-risk@champion\n");
        await f.KeelAsync("deployments", "create", file);
        await using (var log = await Keel.Tracking.PredictionLog.PredictionLogStores.OpenSqliteAsync(Path.Combine(f.Folder, ".keel", "predictions.db")))
            await log.AppendAsync([new Keel.Core.PredictionLog.PredictionRecord
            {
                RequestId = "r1", Time = DateTimeOffset.UtcNow.AddMinutes(-5), Model = "credit-risk", Version = 1, Arm = "champion",
                Endpoint = "invocations", Deployment = "credit-api", LatencyMs = 46, Rows = 1, InputsJson = "[{}]", OutputsJson = "[0]",
            }]);
        var page = await f.PageAsync();
        await page.GotoAsync("ui/deployments/credit-api");
        await page.WaitForSelectorAsync("#latency[data-drawn=true]");
        // One point: the axis is the last 24 hours, not a range Chart.js pads by a share of the time's value (years).
        Assert.Equal(24 * 3600 * 1000.0, await page.EvaluateAsync<double>("() => { const x = Chart.getChart(document.getElementById('latency')).scales.x; return x.max - x.min; }"));
        // No challenger traffic yet: the share still reads on 0–100 %, not −1 to 1.
        var y = await page.EvaluateAsync<double[]>("() => { const y = Chart.getChart(document.getElementById('rollout-timeline')).scales.y; return [y.min, y.max]; }");
        Assert.Equal((0.0, 100.0), (y[0], y[1]));
    }

    [SkippableFact]
    public async Task SearchPage_AfterARealMultiObjectiveSearch_DrawsIntermediateValuesShadedParallelCoordinatesAndTheFront()
    {
        Skip.If(KeelServerFixture.SkipReason is not null, KeelServerFixture.SkipReason);
        await File.WriteAllTextAsync(Path.Combine(f.Folder, "search.yaml"), """
            experiment: ui-search
            data: {path: credit_data.csv, label: Status, positive_class: good}
            models: [{type: lightgbm, options: {number_of_iterations: 20}}]
            register: {enabled: false}
            seed: 5
            search: {trials: 3, families: [lightgbm], pruner: none, objectives: [auc, latency, size]}
            """);
        await f.KeelAsync("search", "search.yaml");
        var page = await f.PageAsync();
        await page.GotoAsync("ui/searches");
        await page.ClickAsync("#studies a:text-is('ui-search-search')");
        await page.WaitForSelectorAsync("#parallel-lightgbm[data-drawn=true]");
        foreach (var id in new[] { "history", "intermediate-lightgbm", "parallel-lightgbm", "pareto-latency", "pareto-size", "hypervolume" }) Assert.True(await DrawnAsync(page, id), id);
        // Size spans orders of magnitude: its axis is logarithmic.
        Assert.Equal("logarithmic", await page.EvaluateAsync<string>("() => Chart.getChart(document.getElementById('pareto-size')).scales.x.type"));
        // Every complete trial is a dot of the Pareto charts, the front's and the others' together.
        Assert.Equal(3, await page.EvaluateAsync<int>("() => Chart.getChart(document.getElementById('pareto-size')).data.datasets.reduce((n, d) => n + d.data.length, 0)"));
        // One loss line of 20 rounds per trial; one parallel line per trial, the best first and darkest, options by name on hover.
        var rounds = await page.EvaluateAsync<int[]>("() => Chart.getChart(document.getElementById('intermediate-lightgbm')).data.datasets.map(d => d.data.length)");
        Assert.Equal([20, 20, 20], rounds);
        var colours = await page.EvaluateAsync<string[]>("() => Chart.getChart(document.getElementById('parallel-lightgbm')).data.datasets.map(d => d.borderColor)");
        Assert.Equal(3, colours.Length);
        Assert.Equal("rgba(31, 119, 180, 1.000)", colours[0]);
        Assert.Equal("rgba(31, 119, 180, 0.150)", colours[^1]);
        var hover = await page.EvaluateAsync<string[]>("() => Chart.getChart(document.getElementById('parallel-lightgbm')).data.datasets[0].raw");
        Assert.Contains(hover, h => h is "true" or "false"); // categorical_split by name
    }
}
