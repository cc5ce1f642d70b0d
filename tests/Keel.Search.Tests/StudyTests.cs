using Keel.Core.Search;
using Keel.Tracking;

namespace Keel.Search.Tests;

/// <summary>Ask/tell over a real SQLite store: several workers, each with its own store connection pool, share one study.</summary>
public sealed class StudyTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keel-search-tests", Guid.NewGuid().ToString("N"));
    private readonly List<KeelStore> _stores = [];

    private static readonly Dictionary<string, SearchSpace> Spaces = new()
    {
        ["a"] = new([new ParamSpec("x", new FloatDistribution(-5, 5)), new ParamSpec("k", new CategoricalDistribution(["p", "q"]))]),
        ["b"] = new([new ParamSpec("x", new FloatDistribution(-5, 5))]),
    };

    private static readonly StudyOptions Options = new()
    {
        Sampler = SamplerFactory.Tpe(new() { Seed = 1, StartupTrials = 4 }),
        Lease = TimeSpan.FromSeconds(20),
        HeartbeatInterval = TimeSpan.FromMilliseconds(50),
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var s in _stores) await s.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private async Task<IStudyStore> OpenAsync()
    {
        var store = await KeelStore.OpenAsync(new StoreOptions { Uri = Path.Combine(_folder, ".keel") });
        _stores.Add(store);
        return store.Studies;
    }

    [Fact]
    public async Task AskTell_FourWorkersOneStore_ExactlyThePlannedTrialsEachOnceGroupsEven()
    {
        var first = await OpenAsync();
        await first.CreateStudyAsync(new StudyRecord("s", ["a", "b"], 24, "{}", DateTimeOffset.UnixEpoch));
        var workers = new List<Task<List<int>>>();
        for (var w = 0; w < 4; w++)
        {
            var study = new Study(await OpenAsync(), "s", Spaces, $"worker-{w}", Options);
            workers.Add(Task.Run(async () =>
            {
                var ran = new List<int>();
                while (await study.AskAsync(null, CancellationToken.None) is { } trial)
                {
                    await using (trial)
                    {
                        ran.Add(trial.Number);
                        var x = trial.Record.Params["x"];
                        Assert.Null(await trial.ReportAsync([new(1, x * x + 1), new(2, x * x)], CancellationToken.None));
                        Assert.True(await trial.CompleteAsync(x * x, null, CancellationToken.None));
                    }
                }
                return ran;
            }));
        }
        var ran = (await Task.WhenAll(workers)).SelectMany(r => r).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 24), ran);
        var trials = await first.ListTrialsAsync("s");
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(12, trials.Count(t => t.Group == "a"));
        Assert.All(trials.Where(t => t.Group == "b"), t => Assert.False(t.Params.ContainsKey("k")));
    }

    [Fact]
    public async Task Ask_StaleTrialOfDeadWorker_RetriedWithSameParams()
    {
        var store = await OpenAsync();
        await store.CreateStudyAsync(new StudyRecord("s", ["b"], 1, "{}", DateTimeOffset.UnixEpoch));
        var time = new FakeClock(DateTimeOffset.UnixEpoch);
        var dead = new Study(store, "s", Spaces, "dead", Options with { Time = time });
        var abandoned = (await dead.AskAsync(null, CancellationToken.None))!; // never told: its worker "died"
        time.Advance(TimeSpan.FromMinutes(1));
        var alive = new Study(store, "s", Spaces, "alive", Options with { Time = time });
        await using var retried = (await alive.AskAsync(null, CancellationToken.None))!;
        Assert.Equal((0, 2, abandoned.Record.Params["x"]), (retried.Number, retried.Lease.Attempt, retried.Record.Params["x"]));
        Assert.False(await abandoned.CompleteAsync(1, null, CancellationToken.None));
        Assert.True(await retried.CompleteAsync(2, null, CancellationToken.None));
        Assert.Null(await alive.AskAsync(null, CancellationToken.None));
    }

    /// <summary>A clock moved by hand whose timers never fire (heartbeats stay silent, as a dead worker's would).</summary>
    private sealed class FakeClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;
        public void Advance(TimeSpan by) => _now += by;
        public override DateTimeOffset GetUtcNow() => _now;
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new Never();
        private sealed class Never : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;
            public void Dispose() { }
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task AskTell_SeveralObjectivesThroughTheStore_ProposesOptunasMultiObjectiveTrials()
    {
        // The fixture's two-objective study (Optuna 3.1's TPESampler(seed=11), directions minimize, minimize) asked and told through
        // a real store: each trial's values per objective are kept by the store and read back by the sampler of the next.
        var c = OptunaStreamTests.Root.GetProperty("tpe")[3];
        var expected = c.GetProperty("trials").EnumerateArray().Select(t => (
            Params: t.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()),
            Values: t.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray())).ToArray();
        var store = await OpenAsync();
        await store.CreateStudyAsync(new StudyRecord("mo", ["g"], expected.Length, "{}", DateTimeOffset.UnixEpoch));
        var study = new Study(store, "mo", new Dictionary<string, SearchSpace> { ["g"] = OptunaStreamTests.Spaces["mixed"] }, "w", Options with
        {
            Sampler = SamplerFactory.Tpe(new() { Seed = c.GetProperty("seed").GetInt32() }),
            Directions = [Direction.Minimize, Direction.Minimize],
        });

        for (var n = 0; n < expected.Length; n++)
        {
            await using var trial = (await study.AskAsync(null, CancellationToken.None))!;

            Assert.Equal(expected[n].Params.OrderBy(kv => kv.Key), trial.Record.Params.OrderBy(kv => kv.Key));
            Assert.True(await trial.CompleteAsync(expected[n].Values[0], expected[n].Values, CancellationToken.None));
        }
        Assert.Null(await study.AskAsync(null, CancellationToken.None));
        Assert.Equal(expected.Select(e => e.Values), (await store.ListTrialsAsync("mo")).Select(t => t.Values!.ToArray()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task AskTell_ConstantLiarWithTrialsInFlight_ProposesOptunasTrials(int index)
    {
        // A constant-liar fixture study (Optuna 3.1's TPESampler(seed, constant_liar=True), several trials in flight) asked and told
        // through a real store in the fixture's order: before each ask, the trials no longer running by then are told. The store
        // gives the sampler the running trials with their parameters.
        var c = FixtureFile.Root("optuna_constant_liar.json").GetProperty("cases")[index];
        var expected = c.GetProperty("trials").EnumerateArray().Select(t => (
            Params: t.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()),
            Value: t.GetProperty("value").GetDouble(),
            Running: t.GetProperty("running").EnumerateArray().Select(r => r.GetInt32()).ToHashSet())).ToArray();
        var store = await OpenAsync();
        await store.CreateStudyAsync(new StudyRecord("liar", ["g"], expected.Length, "{}", DateTimeOffset.UnixEpoch));
        var study = new Study(store, "liar", new Dictionary<string, SearchSpace> { ["g"] = OptunaStreamTests.Spaces[c.GetProperty("objective").GetString()!] }, "w",
            Options with { Sampler = SamplerFactory.Tpe(new() { Seed = c.GetProperty("seed").GetInt32(), ConstantLiar = true }) });
        var inFlight = new List<Trial>();

        for (var n = 0; n < expected.Length; n++)
        {
            foreach (var done in inFlight.Where(t => !expected[n].Running.Contains(t.Record.Number)).ToArray())
            {
                Assert.True(await done.CompleteAsync(expected[done.Record.Number].Value, null, CancellationToken.None));
                await done.DisposeAsync();
                inFlight.Remove(done);
            }
            var trial = (await study.AskAsync(null, CancellationToken.None))!;

            Assert.Equal(n, trial.Record.Number);
            Assert.Equal(expected[n].Params.OrderBy(kv => kv.Key), trial.Record.Params.OrderBy(kv => kv.Key));
            inFlight.Add(trial);
        }
        foreach (var t in inFlight)
        {
            Assert.True(await t.CompleteAsync(expected[t.Record.Number].Value, null, CancellationToken.None));
            await t.DisposeAsync();
        }
        Assert.All(await store.ListTrialsAsync("liar"), t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Fact]
    public async Task AskTell_Nsga2ThroughTheStore_ProposesOptunasTrialsWithPrunedOnesLeftOutOfThePopulations()
    {
        // The fixture's study with pruned trials (Optuna 3.1's NSGAIISampler(seed=9, population_size=6), two objectives) asked and
        // told through a real store: pruned trials keep no values and belong to no population.
        var c = Nsga2Tests.Read(3);
        Assert.Contains(c.Trials, t => t.State == TrialState.Pruned);
        var store = await OpenAsync();
        await store.CreateStudyAsync(new StudyRecord("nsga", ["g"], c.Trials.Length, "{}", DateTimeOffset.UnixEpoch));
        var study = new Study(store, "nsga", new Dictionary<string, SearchSpace> { ["g"] = c.Space }, "w", Options with
        {
            Sampler = SamplerFactory.Nsga2(c.Options),
            Directions = c.Directions,
        });

        foreach (var expected in c.Trials)
        {
            await using var trial = (await study.AskAsync(null, CancellationToken.None))!;

            Assert.Equal(expected.Params.OrderBy(kv => kv.Key), trial.Record.Params.OrderBy(kv => kv.Key));
            Assert.True(expected.State == TrialState.Pruned ? await trial.PruneAsync(CancellationToken.None)
                : await trial.CompleteAsync(expected.Values![0], expected.Values, CancellationToken.None));
        }
        Assert.Null(await study.AskAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Report_BatchRunningPastThePruningStep_StoresTheStepsUpToItOnly()
    {
        var store = await OpenAsync();
        await store.CreateStudyAsync(new StudyRecord("t", ["b"], 1, "{}", DateTimeOffset.UnixEpoch));
        var study = new Study(store, "t", Spaces, "w", Options with { Pruner = PrunerFactory.Threshold(upper: 5) });
        await using var trial = (await study.AskAsync(null, CancellationToken.None))!;

        // One rung of 10 steps, trained at once: the loss crosses the threshold at step 6.
        var stopped = await trial.ReportAsync(Enumerable.Range(1, 10).Select(step => KeyValuePair.Create(step, (double)step)).ToArray(), CancellationToken.None);
        await trial.PruneAsync(CancellationToken.None);

        Assert.Equal(6, stopped);
        var stored = Assert.Single(await store.ListTrialsAsync("t"));
        Assert.Equal(TrialState.Pruned, stored.State);
        Assert.Equal(Enumerable.Range(1, 6), stored.Intermediate.Keys.Order());
    }

    [Fact]
    public async Task AskTell_TpeWithHyperbandThroughTheStore_ProposesOptunasTrialsAndPrunesWhereOptunaDid()
    {
        // The fixture's study with TPESampler(seed=4) and HyperbandPruner (minimum 10, maximum auto), through a real store: each
        // trial reports its curve in Keel's rungs (1–10, 11–30, 31–90, 91–100) and stops where the pruner says.
        var c = HyperbandTests.Root.GetProperty("tpe")[0];
        var space = new SearchSpace([new ParamSpec("x", new FloatDistribution(-5, 5)), new ParamSpec("lr", new FloatDistribution(1e-3, 1, Log: true))]);
        var expected = c.GetProperty("trials").EnumerateArray().ToArray();
        var store = await OpenAsync();
        await store.CreateStudyAsync(new StudyRecord(c.GetProperty("study").GetString()!, ["g"], expected.Length, "{}", DateTimeOffset.UnixEpoch));
        var study = new Study(store, c.GetProperty("study").GetString()!, new Dictionary<string, SearchSpace> { ["g"] = space }, "w", Options with
        {
            Sampler = SamplerFactory.Tpe(new() { Seed = c.GetProperty("seed").GetInt32() }),
            Pruner = HyperbandTests.Pruner(c),
        });

        foreach (var e in expected)
        {
            await using var trial = (await study.AskAsync(null, CancellationToken.None))!;
            var p = trial.Record.Params;
            Assert.Equal(e.GetProperty("params").EnumerateObject().ToDictionary(q => q.Name, q => q.Value.GetDouble()).OrderBy(kv => kv.Key), p.OrderBy(kv => kv.Key));
            int? stopped = null;
            var last = 0;
            foreach (var rung in new[] { 10, 30, 90, 100 })
            {
                var curve = Enumerable.Range(last + 1, rung - last).Select(step => KeyValuePair.Create(step, (p["x"] - 1.5) * (p["x"] - 1.5) + 2 / (1 + step * p["lr"]))).ToArray();
                last = rung;
                if ((stopped = await trial.ReportAsync(curve, CancellationToken.None)) is not null) break;
            }

            Assert.Equal((e.GetProperty("state").GetString(), e.GetProperty("last_step").GetInt32()), stopped is { } at ? ("pruned", at) : ("complete", 100));
            Assert.True(stopped is null ? await trial.CompleteAsync((p["x"] - 1.5) * (p["x"] - 1.5) + 2 / (1 + 100 * p["lr"]), null, CancellationToken.None)
                : await trial.PruneAsync(CancellationToken.None));
        }
    }
}
