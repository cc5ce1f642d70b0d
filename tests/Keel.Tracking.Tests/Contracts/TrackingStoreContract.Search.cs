using Keel.Core;
using Keel.Core.Tracking;

namespace Keel.Tracking.Tests.Contracts;

/// <summary>Run search, id prefixes and artifact entries.</summary>
public abstract partial class TrackingStoreContract
{
    /// <summary>Stores a running run with a chosen id (ids are random otherwise, so prefix clashes cannot be arranged through the interface).</summary>
    protected abstract Task InsertRunWithIdAsync(string experimentId, string runId, DateTimeOffset startTime);

    private static Dictionary<string, string> Map(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    /// <summary>Three finished runs a (auc .7), b (auc .9), c (auc .8) started a minute apart, plus a running run d without metrics.</summary>
    private async Task<Dictionary<string, Run>> SeedAsync()
    {
        var runs = new Dictionary<string, Run>();
        var specs = new (string Name, double? Auc, string Model, RunStatus Status)[]
        {
            ("a", 0.7, "lgbm", RunStatus.Finished), ("b", 0.9, "linear", RunStatus.Finished),
            ("c", 0.8, "lgbm", RunStatus.Failed), ("d", null, "forest", RunStatus.Running),
        };
        for (var i = 0; i < specs.Length; i++)
        {
            var (name, auc, model, status) = specs[i];
            var run = await NewRunAsync(name, start: T0.AddMinutes(i), tags: Map(("team", i % 2 == 0 ? "risk" : "ops")));
            await Store.LogBatchAsync(run.Id, new LogBatch
            {
                Params = Map(("model", model)),
                Metrics = auc is { } v ? [Point("auc", v)] : [],
            });
            if (status != RunStatus.Running) await Store.SetRunStatusAsync(run.Id, status, T0.AddHours(1));
            runs[name] = run;
        }
        return runs;
    }

    private async Task<string[]> NamesAsync(string? filter = null, string? orderBy = null) =>
        (await Store.SearchRunsAsync(new RunQuery { Filter = filter, OrderBy = orderBy })).Runs.Select(r => r.Name).ToArray();

    [Fact]
    public async Task GetRun_AmbiguousPrefix_ThrowsInputNamingBothRuns()
    {
        var e = await Store.GetOrCreateExperimentAsync("exp");
        await InsertRunWithIdAsync(e.Id, "abcdef01" + new string('0', 24), T0);
        await InsertRunWithIdAsync(e.Id, "abcdef02" + new string('0', 24), T0);
        var error = await Assert.ThrowsAsync<KeelInputException>(() => Store.GetRunAsync("abcdef"));
        Assert.Contains("ambiguous", error.Message);
        Assert.Contains("abcdef01", error.Message);
        Assert.Contains("abcdef02", error.Message);
        Assert.Equal("abcdef02" + new string('0', 24), (await Store.GetRunAsync("abcdef02"))!.Id);
    }

    [Fact]
    public async Task SearchRuns_TopLevel_LeavesOutChildRunsAndCountsThemPerParent()
    {
        var search = await NewRunAsync("search", start: T0);
        var other = await NewRunAsync("other", start: T0.AddMinutes(1));
        for (var i = 0; i < 3; i++) await NewRunAsync($"trial-{i}", start: T0.AddMinutes(2 + i), tags: Map((RunTags.Parent, search.Id)));
        await NewRunAsync("elsewhere", experiment: "exp2", start: T0.AddMinutes(9), tags: Map((RunTags.Parent, other.Id)));

        var top = await Store.SearchRunsAsync(new RunQuery { TopLevel = true, OrderBy = "start_time asc" });
        var all = await Store.SearchRunsAsync(new RunQuery { OrderBy = "start_time asc" });
        var children = await Store.CountChildRunsAsync([search.Id, other.Id, "0123456789abcdef0123456789abcdef"]);

        Assert.Equal(["search", "other"], top.Runs.Select(r => r.Name));
        Assert.Equal(["search", "other", "trial-0", "trial-1", "trial-2", "elsewhere"], all.Runs.Select(r => r.Name));
        Assert.Equal(new Dictionary<string, int> { [search.Id] = 3, [other.Id] = 1 }, children);
        Assert.Empty(await Store.CountChildRunsAsync([]));
        // A page token of one view does not continue the other (the set of runs differs).
        var firstTop = await Store.SearchRunsAsync(new RunQuery { TopLevel = true, MaxResults = 1 });
        await Assert.ThrowsAsync<KeelInputException>(() => Store.SearchRunsAsync(new RunQuery { MaxResults = 1, PageToken = firstTop.NextPageToken }));
    }

    [Fact]
    public async Task SearchRuns_NoFilter_StartTimeDescending()
    {
        await SeedAsync();
        Assert.Equal(["d", "c", "b", "a"], await NamesAsync());
        Assert.Equal(["a", "b", "c", "d"], await NamesAsync(orderBy: "start_time asc"));
    }

    [Theory]
    [InlineData("metrics.auc > 0.75", "c,b")]
    [InlineData("metrics.auc <= 0.8", "c,a")]
    [InlineData("params.model = 'lgbm'", "c,a")]
    [InlineData("params.model != 'lgbm'", "d,b")]
    [InlineData("tags.team = 'ops'", "d,b")]
    [InlineData("status = 'running'", "d")]
    [InlineData("status != 'finished'", "d,c")]
    [InlineData("name = 'b'", "b")]
    [InlineData("metrics.auc >= 0.7 and params.model = 'lgbm' AND tags.team = 'risk'", "c,a")]
    [InlineData("metrics.missing > 0", "")]
    [InlineData("name = 'a' or name = 'd'", "d,a")]
    [InlineData("name = 'a' OR name = 'b' and params.model = 'lgbm'", "a")]
    [InlineData("(name = 'a' or name = 'b') and params.model = 'lgbm'", "a")]
    [InlineData("((status = 'running') or (metrics.auc > 0.85 and tags.team = 'ops'))", "d,b")]
    [InlineData("params.model = 'or' or params.model = 'and'", "")]
    [InlineData("(metrics.auc > 0.85 or name = 'a') or (name = 'c' and tags.team = 'risk')", "c,b,a")]
    public async Task SearchRuns_Filter_MatchesExpectedRuns(string filter, string expected)
    {
        await SeedAsync();
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), await NamesAsync(filter));
    }

    [Fact]
    public async Task SearchRuns_OrderByMetric_AscDescWithRunsMissingItLast()
    {
        await SeedAsync();
        Assert.Equal(["b", "c", "a", "d"], await NamesAsync(orderBy: "metrics.auc desc"));
        Assert.Equal(["a", "c", "b", "d"], await NamesAsync(orderBy: "metrics.auc asc"));
        Assert.Equal(["a", "c", "b", "d"], await NamesAsync(orderBy: "metrics.auc"));
    }

    [Fact]
    public async Task SearchRuns_ExperimentIds_OnlyThoseExperiments()
    {
        var a = await NewRunAsync("in-a", experiment: "A");
        await NewRunAsync("in-b", experiment: "B");
        var page = await Store.SearchRunsAsync(new RunQuery { ExperimentIds = [a.ExperimentId] });
        Assert.Equal(["in-a"], page.Runs.Select(r => r.Name));
    }

    [Fact]
    public async Task SearchRuns_PagedWithTokens_EveryRunOnceInOrder()
    {
        var expected = new List<string>();
        for (var i = 0; i < 23; i++)
        {
            // Equal start times for some runs: the id tie-break must keep pages stable.
            var run = await NewRunAsync($"r{i:00}", start: T0.AddSeconds(i / 3));
            expected.Add(run.Id);
        }
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.SearchRunsAsync(new RunQuery { MaxResults = 5, PageToken = token, OrderBy = "start_time asc" });
            Assert.True(page.Runs.Count is > 0 and <= 5);
            seen.AddRange(page.Runs.Select(r => r.Id));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null);
        Assert.Equal(5, pages);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(expected.Order(), seen.Order());
        var all = (await Store.SearchRunsAsync(new RunQuery { MaxResults = 1000, OrderBy = "start_time asc" })).Runs.Select(r => r.Id);
        Assert.Equal(all, seen);
    }

    [Fact]
    public async Task SearchRuns_RunsAddedAndFinishedBetweenPages_NoDuplicatesOrGaps()
    {
        var before = new List<string>();
        for (var i = 0; i < 6; i++) before.Add((await NewRunAsync($"r{i}", start: T0.AddMinutes(i))).Id);
        var query = new RunQuery { MaxResults = 2, Filter = "status = 'running'" };
        var first = await Store.SearchRunsAsync(query);
        // A finished run leaves the filter and a newer run sorts first: offset paging would skip, then repeat, rows.
        await Store.SetRunStatusAsync(first.Runs[0].Id, RunStatus.Finished, T0.AddHours(1));
        var second = await Store.SearchRunsAsync(query with { PageToken = first.NextPageToken });
        await NewRunAsync("newer", start: T0.AddHours(1));
        var third = await Store.SearchRunsAsync(query with { PageToken = second.NextPageToken });
        Assert.Equal(before.AsEnumerable().Reverse(), first.Runs.Concat(second.Runs).Concat(third.Runs).Select(r => r.Id));
        Assert.Null(third.NextPageToken);
    }

    [Fact]
    public async Task SearchRuns_TokenOfOtherQuery_ThrowsInput()
    {
        for (var i = 0; i < 3; i++) await NewRunAsync($"r{i}");
        var page = await Store.SearchRunsAsync(new RunQuery { MaxResults = 1, OrderBy = "name asc" });
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.SearchRunsAsync(new RunQuery { MaxResults = 1, PageToken = page.NextPageToken }));
        Assert.Contains("page token", e.Message);
    }

    [Fact]
    public async Task SearchRuns_PagedByMetricWithTiesAndMissing_EveryRunOnceInOrder()
    {
        for (var i = 0; i < 11; i++)
        {
            var run = await NewRunAsync($"r{i:00}", start: T0.AddSeconds(i % 2));
            if (i % 4 != 0) await Store.LogBatchAsync(run.Id, new LogBatch { Metrics = [Point("auc", i % 3 / 10.0 + 0.1)] });
        }
        foreach (var order in new[] { "metrics.auc desc", "metrics.auc asc, name desc", "name", "start_time desc" })
        {
            var all = (await Store.SearchRunsAsync(new RunQuery { OrderBy = order })).Runs.Select(r => r.Id).ToList();
            var paged = new List<string>();
            string? token = null;
            do
            {
                var page = await Store.SearchRunsAsync(new RunQuery { OrderBy = order, MaxResults = 2, PageToken = token });
                paged.AddRange(page.Runs.Select(r => r.Id));
                token = page.NextPageToken;
            }
            while (token is not null);
            Assert.Equal(all, paged);
        }
    }

    [Fact]
    public async Task SearchRuns_FilterOrderedByMetricPaged_SecondPageKeepsFilter()
    {
        await SeedAsync();
        var query = new RunQuery { Filter = "params.model = 'lgbm' or name = 'b'", OrderBy = "metrics.auc desc", MaxResults = 1 };
        var names = new List<string>();
        for (string? token = null; ;)
        {
            var page = await Store.SearchRunsAsync(query with { PageToken = token });
            names.AddRange(page.Runs.Select(r => r.Name));
            if ((token = page.NextPageToken) is null) break;
        }
        Assert.Equal(["b", "c", "a"], names);
    }

    [Fact]
    public async Task SearchRuns_ExactlyOnePage_NoNextToken()
    {
        for (var i = 0; i < 3; i++) await NewRunAsync($"r{i}");
        var page = await Store.SearchRunsAsync(new RunQuery { MaxResults = 3 });
        Assert.Equal(3, page.Runs.Count);
        Assert.Null(page.NextPageToken);
    }

    [Theory]
    [InlineData("metrics.auc > 'high'", "metrics.auc > 'high'")]
    [InlineData("params.model = lgbm", "params.model = lgbm")]
    [InlineData("status = 'paused'", "status = 'paused'")]
    [InlineData("colour = 'red'", "colour = 'red'")]
    [InlineData("metrics.auc > 0.5 and", "empty clause")]
    [InlineData("name = 'x' and metrics.auc 0.5", "metrics.auc 0.5")]
    [InlineData("name = 'unclosed", "closing")]
    [InlineData("(name = 'a' or name = 'b'", "expected ')' to close the '(' at position 1")]
    [InlineData("name = 'a')", "at position 11, got ')'")]
    [InlineData("name = 'a' or", "an empty clause")]
    [InlineData("() or name = 'a'", "position 2")]
    [InlineData("name = 'a' or (metrics.auc 0.5)", "clause 'metrics.auc 0.5' at position 16")]
    public async Task SearchRuns_BadFilter_ThrowsInputNamingTheClause(string filter, string named)
    {
        await NewRunAsync();
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.SearchRunsAsync(new RunQuery { Filter = filter }));
        Assert.Contains(named, e.Message);
    }

    [Theory]
    [InlineData("colour desc")]
    [InlineData("start_time sideways")]
    public async Task SearchRuns_BadOrderBy_ThrowsInputNamingIt(string orderBy)
    {
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.SearchRunsAsync(new RunQuery { OrderBy = orderBy }));
        Assert.Contains(orderBy, e.Message);
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("b2Zmc2V0Oi0x")] // "offset:-1"
    [InlineData("aGVsbG8=")]     // "hello"
    [InlineData("eyJxIjoiMDAiLCJrIjpbXX0")] // a well-formed token of no query
    public async Task SearchRuns_BadPageToken_ThrowsInputNamingIt(string token)
    {
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.SearchRunsAsync(new RunQuery { PageToken = token }));
        Assert.Contains(token, e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task SearchRuns_MaxResultsOutOfRange_ThrowsInput(int max) =>
        await Assert.ThrowsAsync<KeelInputException>(() => Store.SearchRunsAsync(new RunQuery { MaxResults = max }));

    [Fact]
    public async Task LogArtifact_SeveralPaths_ListedByPath()
    {
        var run = await NewRunAsync();
        var sha1 = new string('1', 64);
        var sha2 = new string('2', 64);
        await Store.LogArtifactAsync(run.Id, new ArtifactEntry("reports/z.html", sha1, 10));
        await Store.LogArtifactAsync(run.Id, new ArtifactEntry("models\\a.keelmodel", sha2, 20));
        await Store.LogArtifactAsync(run.Id, new ArtifactEntry("reports/z.html", sha1, 10)); // same content again: accepted
        Assert.Equal([new ArtifactEntry("models/a.keelmodel", sha2, 20), new ArtifactEntry("reports/z.html", sha1, 10)],
            await Store.ListArtifactsAsync(run.Id));
    }

    [Fact]
    public async Task LogArtifact_SamePathOtherContent_ThrowsInput()
    {
        var run = await NewRunAsync();
        await Store.LogArtifactAsync(run.Id, new ArtifactEntry("m.bin", new string('1', 64), 1));
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.LogArtifactAsync(run.Id, new ArtifactEntry("m.bin", new string('2', 64), 1)));
        Assert.Contains("m.bin", e.Message);
        Assert.Equal(new string('1', 64), Assert.Single(await Store.ListArtifactsAsync(run.Id)).Sha256);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/abs")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    [InlineData("C:/x")]
    [InlineData("")]
    public async Task LogArtifact_InvalidPath_ThrowsInputAndStoresNothing(string path)
    {
        var run = await NewRunAsync();
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.LogArtifactAsync(run.Id, new ArtifactEntry(path, new string('1', 64), 1)));
        Assert.Contains("artifact", e.Message);
        Assert.Empty(await Store.ListArtifactsAsync(run.Id));
    }

    [Fact]
    public async Task LogArtifact_BadHash_ThrowsInput()
    {
        var run = await NewRunAsync();
        await Assert.ThrowsAsync<KeelInputException>(() => Store.LogArtifactAsync(run.Id, new ArtifactEntry("a", new string('A', 64), 1)));
    }

    [Fact]
    public async Task ListArtifacts_UnknownRun_ThrowsNotFound() =>
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Store.ListArtifactsAsync(new string('c', 32)));

    [Fact]
    public async Task SearchRuns_ReturnedRuns_AreCopies()
    {
        var run = await NewRunAsync();
        await Store.LogBatchAsync(run.Id, new LogBatch { Metrics = [Point("m", 1)] });
        var first = (await Store.SearchRunsAsync(new RunQuery())).Runs[0];
        if (first.Metrics is IDictionary<string, double> { IsReadOnly: false } m) m["m"] = 42;
        Assert.Equal(1, (await Store.SearchRunsAsync(new RunQuery())).Runs[0].Metrics["m"]);
    }
}
