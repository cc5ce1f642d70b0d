using Keel.Core;
using Keel.Core.Tracking;

namespace Keel.Tracking.Tests.Contracts;

/// <summary>Search, paging and artifact-entry behaviour of the tracking store contract.</summary>
public abstract partial class TrackingStoreContract
{
    /// <summary>Three runs in "exp": a (auc .7, lgbm, finished), b (auc .9, sdca, running), c (no auc, lgbm, failed), started a, b, c.</summary>
    private async Task<(Run A, Run B, Run C)> ThreeRunsAsync()
    {
        async Task<Run> Make(string name, int minute, string model, double? auc, RunStatus status)
        {
            var run = await NewRunAsync(name, start: T0.AddMinutes(minute));
            await Store.LogBatchAsync(run.Id, new LogBatch
            {
                Params = new Dictionary<string, string> { ["model"] = model },
                Metrics = auc is { } v ? [Point("auc", v)] : [],
                Tags = new Dictionary<string, string> { ["team"] = name == "b" ? "x" : "y" },
            });
            if (status != RunStatus.Running) await Store.SetRunStatusAsync(run.Id, status, T0.AddHours(1));
            return run;
        }
        return (await Make("a", 1, "lgbm", 0.7, RunStatus.Finished), await Make("b", 2, "sdca", 0.9, RunStatus.Running),
            await Make("c", 3, "lgbm", null, RunStatus.Failed));
    }

    private async Task<string[]> NamesAsync(string? filter = null, string? orderBy = null) =>
        (await Store.SearchRunsAsync(new RunQuery { Filter = filter, OrderBy = orderBy })).Runs.Select(r => r.Name).ToArray();

    [Fact]
    public async Task SearchRuns_NoFilter_NewestStartFirst()
    {
        await ThreeRunsAsync();
        Assert.Equal(["c", "b", "a"], await NamesAsync());
    }

    [Theory]
    [InlineData("metrics.auc > 0.8", "b")]
    [InlineData("metrics.auc >= 0.7", "a,b")]
    [InlineData("metrics.auc != 0.7", "b")]
    [InlineData("params.model = 'lgbm'", "a,c")]
    [InlineData("params.model = 'lgbm' and metrics.auc < 1", "a")]
    [InlineData("tags.team = \"x\"", "b")]
    [InlineData("status = 'finished'", "a")]
    [InlineData("status != 'running' AND name != 'a'", "c")]
    [InlineData("name = 'c'", "c")]
    [InlineData("params.model = 'x'' OR 1=1 --'", "")]
    [InlineData("params.model = 'lgbm and sdca'", "")]
    public async Task SearchRuns_Filter_ReturnsMatchingRuns(string filter, string expected)
    {
        await ThreeRunsAsync();
        var names = await NamesAsync(filter, "name asc");
        Assert.Equal(expected, string.Join(",", names));
    }

    [Theory]
    [InlineData("metrics.auc > 'high'", "metrics.auc > 'high'")]
    [InlineData("params.model = lgbm", "params.model = lgbm")]
    [InlineData("status = 'done'", "status = 'done'")]
    [InlineData("status < 'finished'", "status < 'finished'")]
    [InlineData("weight > 3", "weight > 3")]
    [InlineData("metrics.auc >", "metrics.auc >")]
    [InlineData("metrics.auc > 1 and", "empty clause")]
    [InlineData("name = 'unclosed", "closing")]
    [InlineData("metrics.auc ! 1", "!=")]
    public async Task SearchRuns_BadFilter_ThrowsInputQuotingClause(string filter, string quoted)
    {
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.SearchRunsAsync(new RunQuery { Filter = filter }));
        Assert.Contains(quoted, e.Message);
        Assert.Contains("expected", e.Message);
    }

    [Theory]
    [InlineData("metrics.auc desc", "b,a,c")]
    [InlineData("metrics.auc asc", "a,b,c")]
    [InlineData("name desc", "c,b,a")]
    [InlineData("start_time", "a,b,c")]
    [InlineData("params.model = 'lgbm'", null)]
    [InlineData("name sideways", null)]
    public async Task SearchRuns_OrderBy_SortsOrThrows(string orderBy, string? expected)
    {
        await ThreeRunsAsync();
        if (expected is null)
            await Assert.ThrowsAsync<KeelInputException>(() => NamesAsync(orderBy: orderBy));
        else
            Assert.Equal(expected, string.Join(",", await NamesAsync(orderBy: orderBy)));
    }

    [Fact]
    public async Task SearchRuns_Paging_VisitsEveryRunOnceInOrder()
    {
        for (var i = 0; i < 7; i++) await NewRunAsync($"r{i}", start: T0.AddSeconds(i));
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.SearchRunsAsync(new RunQuery { MaxResults = 3, PageToken = token, OrderBy = "start_time asc" });
            Assert.True(page.Runs.Count <= 3);
            seen.AddRange(page.Runs.Select(r => r.Name));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null);
        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"r{i}"), seen);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1001, null)]
    [InlineData(10, "not-a-token")]
    [InlineData(10, "aGVsbG8=")]
    public async Task SearchRuns_BadPageSizeOrToken_ThrowsInput(int max, string? token) =>
        await Assert.ThrowsAsync<KeelInputException>(() => Store.SearchRunsAsync(new RunQuery { MaxResults = max, PageToken = token }));

    [Fact]
    public async Task SearchRuns_ExperimentIds_OnlyThoseExperiments()
    {
        var a = await NewRunAsync("in-a", experiment: "A");
        await NewRunAsync("in-b", experiment: "B");
        var page = await Store.SearchRunsAsync(new RunQuery { ExperimentIds = [a.ExperimentId] });
        Assert.Equal(["in-a"], page.Runs.Select(r => r.Name));
        Assert.Null(page.NextPageToken);
    }

    [Fact]
    public async Task SearchRuns_Results_CarryParamsTagsAndLatestMetrics()
    {
        var (_, b, _) = await ThreeRunsAsync();
        var run = Assert.Single((await Store.SearchRunsAsync(new RunQuery { Filter = "name = 'b'" })).Runs);
        Assert.Equal(b.Id, run.Id);
        Assert.Equal("sdca", run.Params["model"]);
        Assert.Equal("x", run.Tags["team"]);
        Assert.Equal(0.9, run.Metrics["auc"]);
    }

    [Fact]
    public async Task LogArtifact_SeveralPaths_ListedByPath()
    {
        var run = await NewRunAsync();
        var sha = new string('1', 64);
        await Store.LogArtifactAsync(run.Id, new ArtifactEntry("report/index.html", sha, 10));
        await Store.LogArtifactAsync(run.Id, new ArtifactEntry("model.zip", new string('2', 64), 20));
        await Store.LogArtifactAsync(run.Id, new ArtifactEntry("report/index.html", sha, 10));
        Assert.Equal([new ArtifactEntry("model.zip", new string('2', 64), 20), new ArtifactEntry("report/index.html", sha, 10)],
            await Store.ListArtifactsAsync(run.Id));
    }

    [Fact]
    public async Task LogArtifact_SamePathOtherContent_ThrowsInput()
    {
        var run = await NewRunAsync();
        await Store.LogArtifactAsync(run.Id, new ArtifactEntry("a.txt", new string('1', 64), 1));
        await Assert.ThrowsAsync<KeelInputException>(() => Store.LogArtifactAsync(run.Id, new ArtifactEntry("a.txt", new string('2', 64), 1)));
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("")]
    public async Task LogArtifact_BadPath_ThrowsInputAndLogsNothing(string path)
    {
        var run = await NewRunAsync();
        await Assert.ThrowsAsync<KeelInputException>(() => Store.LogArtifactAsync(run.Id, new ArtifactEntry(path, new string('1', 64), 1)));
        await Assert.ThrowsAsync<KeelInputException>(() => Store.LogArtifactAsync(run.Id, new ArtifactEntry("ok.txt", "../../etc", 1)));
        Assert.Empty(await Store.ListArtifactsAsync(run.Id));
    }

    [Fact]
    public async Task ListArtifacts_UnknownRun_ThrowsNotFound() =>
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Store.ListArtifactsAsync(new string('c', 32)));
}
