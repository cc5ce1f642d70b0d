using Keel.Core.Search;
using Keel.Tracking.Tests.Contracts;

namespace Keel.Tracking.Tests.Sqlite;

/// <summary>The study store contract against a real SQLite file, plus concurrent claims through separate store instances (as processes).</summary>
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
                await s.FinishTrialAsync(new TrialLease("credit-search", c.Trial.Number, c.Trial.Attempt, $"w{w}"), TrialState.Complete, 1, null, Time.GetUtcNow());
            }
        })));
        Assert.Equal(Enumerable.Range(0, 40), claimed.SelectMany(c => c).Order());
    }
}
