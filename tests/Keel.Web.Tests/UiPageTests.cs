using System.Net;
using Keel.Core.Deployments;
using Keel.Core.Tracking;

namespace Keel.Web.Tests;

/// <summary>The web UI's pages as HTML over a real server and SQLite store (what a browser is sent; UiBrowserTests drive a real Chromium).</summary>
public sealed class UiPageTests : UiServerTests
{
    private async Task<Run> RunAsync(string name, string experiment, IReadOnlyDictionary<string, string> ps, params MetricPoint[] metrics)
    {
        var e = await F.Store.Tracking.GetOrCreateExperimentAsync(experiment);
        var run = await F.Store.Tracking.CreateRunAsync(e.Id, name, DateTimeOffset.UtcNow, new Dictionary<string, string>());
        await F.Store.Tracking.LogBatchAsync(run.Id, new LogBatch { Params = ps, Metrics = metrics });
        return run;
    }

    private static MetricPoint P(string key, double value, long step = 0) => new(key, value, step, DateTimeOffset.UtcNow);

    private async Task<(HttpStatusCode Status, string Html)> GetAsync(string url)
    {
        var response = await Http.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RunsPage_FilterWithOrAndParentheses_ShowsMatchingRunsWithLastMinMax()
    {
        await RunAsync("lgbm-a", "churn", new Dictionary<string, string> { ["model"] = "lgbm" }, P("loss", 0.9, 1), P("loss", 0.3, 2), P("loss", 0.4, 3), P("auc", 0.7));
        await RunAsync("sdca-b", "churn", new Dictionary<string, string> { ["model"] = "sdca" }, P("auc", 0.9));
        await RunAsync("sdca-c", "churn", new Dictionary<string, string> { ["model"] = "sdca" }, P("auc", 0.6));
        var filter = Uri.EscapeDataString("(params.model = 'lgbm' or metrics.auc > 0.8) and status = 'running'");
        var (status, html) = await GetAsync($"ui/runs?experiment=churn&filter={filter}&order_by=name");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("lgbm-a", html, StringComparison.Ordinal);
        Assert.Contains("sdca-b", html, StringComparison.Ordinal);
        Assert.DoesNotContain("sdca-c", html, StringComparison.Ordinal);
        // loss: last 0.4, range 0.3 … 0.9
        Assert.Contains("0.4<span class=\"range\">0.3 … 0.9</span>", html, StringComparison.Ordinal);
        Assert.True(html.IndexOf("lgbm-a", StringComparison.Ordinal) < html.IndexOf("sdca-b", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunsPage_ChosenColumnsAndPageSize_ShowsOnlyThoseAndLinksNextPage()
    {
        for (var i = 0; i < 3; i++)
            await RunAsync($"run-{i}", "e", new Dictionary<string, string> { ["lr"] = $"0.{i}", ["depth"] = "4" }, P("auc", i / 10.0), P("loss", 1 - i / 10.0));
        var (_, html) = await GetAsync("ui/runs?columns=metrics.auc,params.lr&page_size=2&order_by=metrics.auc%20desc");
        Assert.Contains(">auc", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<th>depth</th>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">loss ", html, StringComparison.Ordinal);
        Assert.Contains("run-2", html, StringComparison.Ordinal);
        Assert.DoesNotContain("run-0<", html, StringComparison.Ordinal);
        Assert.Contains("page_token=", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsPage_SearchWithTrials_TrialsLeftOutUntilAskedParentLinksToThem()
    {
        var e = await F.Store.Tracking.GetOrCreateExperimentAsync("tuning");
        var search = await F.Store.Tracking.CreateRunAsync(e.Id, "the-search", DateTimeOffset.UtcNow, new Dictionary<string, string>());
        for (var i = 0; i < 3; i++)
            await F.Store.Tracking.CreateRunAsync(e.Id, $"the-trial-{i}", DateTimeOffset.UtcNow, new Dictionary<string, string> { [RunTags.Parent] = search.Id });

        var (status, html) = await GetAsync("ui/runs?experiment=tuning");
        var (_, all) = await GetAsync("ui/runs?experiment=tuning&children=show");
        var (_, filtered) = await GetAsync("ui/runs?experiment=tuning&filter=" + Uri.EscapeDataString("name != 'x'"));
        var (bad, _) = await GetAsync("ui/runs?children=yes");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("the-search", html, StringComparison.Ordinal);
        Assert.DoesNotContain("the-trial-", html, StringComparison.Ordinal);
        var link = $"/ui/runs?experiment=tuning&amp;filter={Uri.EscapeDataString($"tags.keel.parent_run_id = '{search.Id}'")}&amp;order_by={Uri.EscapeDataString("start_time asc")}";
        Assert.Contains($"<a class=\"children\" href=\"{link}\">3 child runs</a>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/ui/runs?experiment=tuning&amp;children=show\">List them too</a>", html, StringComparison.Ordinal);
        Assert.Equal(3, Enumerable.Range(0, 3).Count(i => all.Contains($"the-trial-{i}", StringComparison.Ordinal)));
        Assert.Contains("Leave them out", all, StringComparison.Ordinal);
        Assert.Contains("the-trial-0", filtered, StringComparison.Ordinal);
        var (_, children) = await GetAsync(System.Net.WebUtility.HtmlDecode(link)[1..]);
        Assert.Equal(3, Enumerable.Range(0, 3).Count(i => children.Contains($"the-trial-{i}", StringComparison.Ordinal)));
        Assert.DoesNotContain(">the-search<", children, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        await RunAsync("plain", "no-searches", new Dictionary<string, string>());
        Assert.DoesNotContain("children-note", (await GetAsync("ui/runs?experiment=no-searches")).Html, StringComparison.Ordinal);
        var (_, parentPage) = await GetAsync($"ui/runs/{search.Id}");
        Assert.Contains($"<a id=\"children-link\" href=\"{link}\">3</a>", parentPage, StringComparison.Ordinal);
        var trial = (await F.Store.Tracking.SearchRunsAsync(new RunQuery { Filter = "name = 'the-trial-0'" })).Runs.Single();
        var (_, trialPage) = await GetAsync($"ui/runs/{trial.Id}");
        Assert.Contains($"<a id=\"parent-link\" href=\"/ui/runs/{search.Id}\">{search.Id[..8]}</a>", trialPage, StringComparison.Ordinal);
        Assert.DoesNotContain("children-link", trialPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsPage_BadFilter_Answers400NamingThePosition()
    {
        var (status, html) = await GetAsync("ui/runs?filter=" + Uri.EscapeDataString("metrics.auc > 0.8 and (status = 'finished'"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("expected &#x27;)&#x27; to close the &#x27;(&#x27; at position 23", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPage_MetricWithSteps_ShowsParamsChartAndArtifacts()
    {
        var run = await RunAsync("curve", "e", new Dictionary<string, string> { ["lr"] = "0.05" }, P("loss", 0.9, 0), P("loss", 0.5, 1), P("loss", 0.2, 2));
        var (status, html) = await GetAsync($"ui/runs/{run.Id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<td>lr</td><td>0.05</td>", html, StringComparison.Ordinal);
        Assert.Contains("data-chart=", html, StringComparison.Ordinal);
        Assert.Contains("/ui/assets/chart.umd.min.js", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPage_RunningRun_ReloadsItselfUntilTheRunEnds()
    {
        var run = await RunAsync("live", "e", new Dictionary<string, string>(), P("loss", 0.9, 0));
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"10\">", (await GetAsync($"ui/runs/{run.Id}")).Html, StringComparison.Ordinal);

        await F.Store.Tracking.SetRunStatusAsync(run.Id, RunStatus.Finished, DateTimeOffset.UtcNow);

        Assert.DoesNotContain("http-equiv=\"refresh\"", (await GetAsync($"ui/runs/{run.Id}")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPage_MoreStepMetricsThanCharts_LossCurvesDrawnFirstAndTheRestNamed()
    {
        var points = Enumerable.Range(0, 30).SelectMany(i => new[] { P($"a{i:D2}.cv.auc", 0.8, 0), P($"a{i:D2}.cv.auc", 0.7, 1) })
            .Concat([P("z.loss.cv_validation", 0.6, 1), P("z.loss.cv_validation", 0.5, 2), P("loss.validation", 0.4, 1), P("loss.validation", 0.3, 2)]).ToArray();
        var run = await RunAsync("many", "e", new Dictionary<string, string>(), points);

        var (_, html) = await GetAsync($"ui/runs/{run.Id}");

        var captions = System.Text.RegularExpressions.Regex.Matches(html, "<figcaption>([^<]*)</figcaption>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(24, captions.Count);
        Assert.Equal(["loss.validation", "z.loss.cv_validation", "a00.cv.auc"], captions.Take(3));
        Assert.Contains("24 of 32 metrics with steps are drawn (loss curves first)", html, StringComparison.Ordinal);
        Assert.Contains("a29.cv.auc", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComparePage_TwoRuns_MarksDifferingParamsAndDrawsCurvesAndParallelCoordinates()
    {
        var a = await RunAsync("a", "e", new Dictionary<string, string> { ["lr"] = "0.1", ["depth"] = "4" }, P("loss", 0.9, 0), P("loss", 0.4, 1), P("auc", 0.8));
        var b = await RunAsync("b", "e", new Dictionary<string, string> { ["lr"] = "0.3", ["depth"] = "4" }, P("loss", 0.8, 0), P("loss", 0.6, 1), P("auc", 0.7));
        var (status, html) = await GetAsync($"ui/compare?run={a.Id}&run={b.Id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<span class=\"diff\">lr</span>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<span class=\"diff\">depth</span>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"curve-0\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"parallel\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync($"ui/compare?run={a.Id}")).Status);
    }

    [Fact]
    public async Task ModelPage_AliasMovedTwice_ShowsEveryMoveAndTheTimeline()
    {
        var run = await RunAsync("train", "e", new Dictionary<string, string>());
        foreach (var _ in Enumerable.Range(0, 2))
            await F.Store.Registry.RegisterAsync(new Keel.Core.Registry.ModelVersion
            {
                Name = "credit", SourceRunId = run.Id, ModelSha256 = new string('a', 64), Candidate = "lgbm", Task = "binary", SchemaJson = "{}", DataSha256 = new string('b', 64),
            });
        await F.Store.Registry.SetAliasAsync("credit", "champion", 1, "ann", "first");
        await F.Store.Registry.SetAliasAsync("credit", "champion", 2, "bob", "better auc");
        var (status, html) = await GetAsync("ui/models/credit");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("champion → v2", html, StringComparison.Ordinal);
        Assert.Contains("<td>champion</td><td>v1</td><td>v2</td><td>bob</td><td>better auc</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>champion</td><td>–</td><td>v1</td><td>ann</td><td>first</td>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"alias-timeline\"", html, StringComparison.Ordinal);
        Assert.Contains("/ui/models/credit", (await GetAsync("ui/models")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsPage_TokenScopedToOneExperimentInCookie_ShowsOnlyItsRuns()
    {
        await RunAsync("mine", "a", new Dictionary<string, string>());
        await RunAsync("theirs", "b", new Dictionary<string, string>());
        var token = await F.TokenAsync(TokenRole.Read, experiments: ["a"]);
        using var request = new HttpRequestMessage(HttpMethod.Get, "ui/runs");
        request.Headers.Add("Cookie", "keel_token=" + token);
        var html = await (await Http.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Contains(">mine</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">theirs</a>", html, StringComparison.Ordinal);
        using var other = new HttpRequestMessage(HttpMethod.Get, "ui/runs?experiment=b");
        other.Headers.Add("Cookie", "keel_token=" + token);
        Assert.Equal(HttpStatusCode.Forbidden, (await Http.SendAsync(other)).StatusCode);
    }

    [Fact]
    public async Task RunReport_RunWithReportHtml_LinkedAndServedSandboxed()
    {
        var run = await RunAsync("reported", "e", new Dictionary<string, string>());
        var file = Path.Combine(F.Folder, "report.html");
        await File.WriteAllTextAsync(file, "<html><body><h1>Leaderboard</h1></body></html>");
        await Keel.Tracking.ArtifactStoreExtensions.LogArtifactFileAsync(F.Store, run.Id, "report.html", file);
        Assert.Contains($"href=\"/ui/runs/{run.Id}/report\"", (await GetAsync($"ui/runs/{run.Id}")).Html, StringComparison.Ordinal);
        var response = await Http.GetAsync($"ui/runs/{run.Id}/report");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<h1>Leaderboard</h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.StartsWith("sandbox", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assets_ChartJs_ServedFromTheAssemblyWithItsLicence()
    {
        var (status, js) = await GetAsync("ui/assets/chart.umd.min.js");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("/*!\n * Chart.js v4.6.1", js, StringComparison.Ordinal);
        Assert.Contains("MIT License", (await GetAsync("ui/assets/LICENSE.chart.js.md")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRun_AnswersHtml404()
    {
        var (status, html) = await GetAsync("ui/runs/0123456789abcdef");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("no run &#x27;0123456789abcdef&#x27;", html, StringComparison.Ordinal);
    }
}

/// <summary>The UI beyond loopback: reads need a token, given once on the login page and kept in a cookie.</summary>
public sealed class UiAccessTests
{
    [Fact]
    public async Task RunsPage_BeyondLoopbackWithoutToken_RedirectsToLoginThenCookieReads()
    {
        // Listening on 0.0.0.0 needs a token in the store before it starts.
        var folder = Directory.CreateTempSubdirectory("keel-web-ui-").FullName;
        var store = await Keel.Tracking.KeelStore.OpenAsync(new Keel.Tracking.StoreOptions { Uri = Path.Combine(folder, ".keel") });
        var (token, record) = ApiTokens.Generate("reader", "test", DateTimeOffset.UtcNow, iterations: 100);
        await store.Deployments.AddTokenAsync(record with { Role = TokenRole.Read });
        await using (var server = await TrackingServer.StartAsync(new WebOptions { Host = "0.0.0.0", Port = 0 }, store))
        {
            var address = new Uri($"http://127.0.0.1:{server.Address.Port}/");
            using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
            using var http = new HttpClient(handler) { BaseAddress = address };
            var first = await http.GetAsync("ui/runs?experiment=x");
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
            Assert.Equal("/ui/login?next=%2Fui%2Fruns%3Fexperiment%3Dx", first.Headers.Location!.OriginalString);
            var wrong = await http.PostAsync("ui/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "keel_nope", ["next"] = "/ui/runs" }));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            var login = await http.PostAsync("ui/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token, ["next"] = "https://evil.example/" }));
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            Assert.Equal("/ui/runs", login.Headers.Location!.OriginalString);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("ui/runs")).StatusCode);
            // The cookie never authorises a write.
            var write = await http.PostAsync("api/v1/experiments", new StringContent("{\"name\":\"x\"}", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
        }
        await store.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }
}
