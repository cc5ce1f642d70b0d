using Keel.Core.Search;
using Keel.Tracking.Tests.Contracts;

namespace Keel.Tracking.Tests.Sqlite;

/// <summary>The study store contract against a real SQLite file, plus concurrent claims through separate store instances (as processes)
/// and the in-place upgrade from version 8.</summary>
public sealed class SqliteStudyStoreTests : StudyStoreContract
{
    private readonly StoreScope _scope = new();

    protected override async Task<IStudyStore> CreateAsync(TimeProvider time) => (await _scope.OpenAsync(time)).Studies;

    protected override Task CloseAsync() => _scope.DisposeAsync().AsTask();

    [Fact]
    public async Task ClaimTrial_EightConcurrentStores_EveryPlannedTrialClaimedExactlyOnce()
    {
        await Store.CreateStudyAsync(Definition(planned: 40));
        var stores = new List<IStudyStore>();
        for (var i = 0; i < 8; i++) stores.Add((await _scope.OpenAsync(Time)).Studies);
        var claimed = await Task.WhenAll(stores.Select((s, w) => Task.Run(async () =>
        {
            var mine = new List<int>();
            while (true)
            {
                var c = await s.ClaimTrialAsync("credit-search", $"w{w}", Time.GetUtcNow(), Lease);
                if (c.Outcome != ClaimOutcome.Claimed) return mine;
                mine.Add(c.Trial!.Number);
                await s.FinishTrialAsync(new TrialLease("credit-search", c.Trial.Number, c.Trial.Attempt, $"w{w}"), TrialState.Complete, 1, null, null, Time.GetUtcNow());
            }
        })));
        Assert.Equal(Enumerable.Range(0, 40), claimed.SelectMany(c => c).Order());
    }

    [Fact]
    public async Task Open_SchemaVersion8Store_UpgradesInPlaceTrialsKeptWithoutValues()
    {
        // A version-8 file (a Keel before trials kept their values per objective) with one complete trial of a study.
        var path = await _scope.OldStoreAsync(8, """
            INSERT INTO studies VALUES ('old-search', '["linear"]', 2, '{}', 'retry', 3, NULL, '2026-01-01T00:00:00.0000000Z');
            INSERT INTO trials (study, number, attempt, state, grp, params_json, value, started_at, ended_at)
                VALUES ('old-search', 0, 1, 'complete', 'linear', '{"l2":0.5}', 0.8, '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:01:00.0000000Z');
            """);

        var studies = (await _scope.OpenAsync(Time, "sqlite:" + path)).Studies;

        var old = Assert.Single(await studies.ListTrialsAsync("old-search"));
        Assert.Equal((TrialState.Complete, 0.8, null), (old.State, old.Value, old.Values));
        var next = (await studies.ClaimTrialAsync("old-search", "w", Time.GetUtcNow(), Lease)).Trial!;
        Assert.True(await studies.FinishTrialAsync(new TrialLease("old-search", next.Number, next.Attempt, "w"), TrialState.Complete, 0.9, [0.9, 2048], null, Time.GetUtcNow()));
        Assert.Equal([0.9, 2048], (await studies.ListTrialsAsync("old-search"))[1].Values!);
    }
}
