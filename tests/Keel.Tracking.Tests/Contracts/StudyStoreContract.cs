using Keel.Core;
using Keel.Core.Search;

namespace Keel.Tracking.Tests.Contracts;

/// <summary>Behaviour every <see cref="IStudyStore"/> backend must show (claims, leases, stale trials). Subclass it with a factory for the backend.</summary>
public abstract class StudyStoreContract : StoreContract<IStudyStore>
{
    protected IStudyStore Store => Subject;

    protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    protected static StudyRecord Definition(int? planned = 4, StalePolicy policy = StalePolicy.Retry, string definition = "{}", int maxAttempts = 3) =>
        new("credit-search", ["lightgbm", "fasttree"], planned, definition, T0) { StalePolicy = policy, MaxAttempts = maxAttempts };

    private Task<TrialClaim> ClaimAsync(string worker) => Store.ClaimTrialAsync("credit-search", worker, Time.GetUtcNow(), Lease);

    private static TrialLease LeaseOf(TrialRecord t) => new("credit-search", t.Number, t.Attempt, t.Worker!);

    [Fact]
    public async Task CreateStudy_SameDefinitionAgain_ReturnsStored()
    {
        await Store.CreateStudyAsync(Definition());
        var again = await Store.CreateStudyAsync(Definition() with { CreatedAt = T0.AddDays(1) });
        Assert.Equal((T0, 4), (again.CreatedAt, again.PlannedTrials));
        Assert.Single(await Store.ListStudiesAsync());
    }

    [Fact]
    public async Task CreateStudy_OtherDefinition_ThrowsNamingStudy()
    {
        await Store.CreateStudyAsync(Definition());
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.CreateStudyAsync(Definition(definition: "{\"x\":1}")));
        Assert.Contains("credit-search", e.Message);
    }

    [Fact]
    public async Task ClaimTrial_PlanOfFour_NumbersInOrderGroupsInTurnThenWaitThenDone()
    {
        await Store.CreateStudyAsync(Definition());
        var claims = new List<TrialRecord>();
        for (var i = 0; i < 4; i++) claims.Add((await ClaimAsync($"w{i}")).Trial!);
        Assert.Equal([0, 1, 2, 3], claims.Select(c => c.Number));
        Assert.Equal(["lightgbm", "fasttree", "lightgbm", "fasttree"], claims.Select(c => c.Group));
        Assert.Equal(ClaimOutcome.Wait, (await ClaimAsync("w9")).Outcome);
        foreach (var c in claims) Assert.True(await Store.FinishTrialAsync(LeaseOf(c), TrialState.Complete, c.Number, null, null, Time.GetUtcNow()));
        Assert.Equal(ClaimOutcome.Done, (await ClaimAsync("w9")).Outcome);
        Assert.All(await Store.ListTrialsAsync("credit-search"), t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Fact]
    public async Task ClaimTrial_StaleTrialUnderRetry_SameNumberAndParamsNextAttemptOldHolderRefused()
    {
        await Store.CreateStudyAsync(Definition(planned: 1));
        var first = (await ClaimAsync("dead")).Trial!;
        Assert.True(await Store.SetTrialParamsAsync(LeaseOf(first), new Dictionary<string, double> { ["learning_rate"] = 0.1 }));
        Assert.True(await Store.ReportAsync(LeaseOf(first), [new(1, 0.5)], Time.GetUtcNow()));
        Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(ClaimOutcome.Wait, (await ClaimAsync("alive")).Outcome); // within the lease: still held
        Time.Advance(TimeSpan.FromSeconds(61));
        var retry = await ClaimAsync("alive");
        Assert.Equal((ClaimOutcome.Claimed, 0, 2, "alive"), (retry.Outcome, retry.Trial!.Number, retry.Trial.Attempt, retry.Trial.Worker));
        Assert.Equal(0.1, retry.Trial.Params["learning_rate"]);
        Assert.Empty(retry.Trial.Intermediate);
        Assert.False(await Store.FinishTrialAsync(LeaseOf(first), TrialState.Complete, 1, null, null, Time.GetUtcNow()));
        Assert.False(await Store.HeartbeatTrialAsync(LeaseOf(first), Time.GetUtcNow()));
        Assert.True(await Store.FinishTrialAsync(LeaseOf(retry.Trial), TrialState.Complete, 2, null, null, Time.GetUtcNow()));
        var stored = Assert.Single(await Store.ListTrialsAsync("credit-search"));
        Assert.Equal((TrialState.Complete, 2.0, 2), (stored.State, stored.Value, stored.Attempt));
    }

    [Fact]
    public async Task ClaimTrial_StaleTrialUnderSkip_FailedAndStudyDone()
    {
        await Store.CreateStudyAsync(Definition(planned: 1, policy: StalePolicy.Skip));
        await ClaimAsync("dead");
        Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(ClaimOutcome.Done, (await ClaimAsync("alive")).Outcome);
        var t = Assert.Single(await Store.ListTrialsAsync("credit-search"));
        Assert.Equal((TrialState.Failed, true), (t.State, t.Stale));
        Assert.Contains("no heartbeat", t.Error);
    }

    [Fact]
    public async Task ClaimTrial_AttemptsUsedUp_LeftFailed()
    {
        await Store.CreateStudyAsync(Definition(planned: 1, maxAttempts: 2));
        await ClaimAsync("a");
        Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(2, (await ClaimAsync("b")).Trial!.Attempt);
        Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(ClaimOutcome.Done, (await ClaimAsync("c")).Outcome);
    }

    [Fact]
    public async Task ClaimTrial_HeartbeatWithinLease_NotStale()
    {
        await Store.CreateStudyAsync(Definition(planned: 1));
        var t = (await ClaimAsync("a")).Trial!;
        for (var i = 0; i < 5; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(40));
            Assert.True(await Store.HeartbeatTrialAsync(LeaseOf(t), Time.GetUtcNow()));
        }
        Assert.Equal(ClaimOutcome.Wait, (await ClaimAsync("b")).Outcome);
    }

    [Fact]
    public async Task Report_StepAgain_FirstValueKept()
    {
        await Store.CreateStudyAsync(Definition());
        var t = (await ClaimAsync("a")).Trial!;
        await Store.ReportAsync(LeaseOf(t), [new(1, 0.7), new(2, 0.6)], Time.GetUtcNow());
        await Store.ReportAsync(LeaseOf(t), [new(2, 0.1), new(3, double.NaN)], Time.GetUtcNow());
        var stored = (await Store.ListTrialsAsync("credit-search"))[0];
        Assert.Equal((0.7, 0.6), (stored.Intermediate[1], stored.Intermediate[2]));
        Assert.True(double.IsNaN(stored.Intermediate[3]));
    }

    [Fact]
    public async Task FinishTrial_CompleteWithoutValue_Throws()
    {
        await Store.CreateStudyAsync(Definition());
        var t = (await ClaimAsync("a")).Trial!;
        await Assert.ThrowsAsync<KeelInputException>(() => Store.FinishTrialAsync(LeaseOf(t), TrialState.Complete, null, null, null, Time.GetUtcNow()));
    }

    [Fact]
    public async Task FinishTrial_ValuesPerObjective_KeptInOrderForACompleteTrialOnly()
    {
        await Store.CreateStudyAsync(Definition(planned: 2));
        var kept = (await ClaimAsync("a")).Trial!;
        var dead = (await ClaimAsync("b")).Trial!;
        Assert.True(await Store.FinishTrialAsync(LeaseOf(kept), TrialState.Complete, 0.81, [0.81, 12.5, 40960], null, Time.GetUtcNow()));
        var stored = (await Store.ListTrialsAsync("credit-search"))[0];
        Assert.Equal([0.81, 12.5, 40960], stored.Values!);
        Assert.Null((await Store.ListTrialsAsync("credit-search"))[1].Values);

        // Kept for a complete trial only, finite: a refused end writes nothing.
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.FinishTrialAsync(LeaseOf(dead), TrialState.Pruned, null, [0.5, 1], null, Time.GetUtcNow()));
        Assert.Contains("trial 1", e.Message);
        await Assert.ThrowsAsync<KeelInputException>(() => Store.FinishTrialAsync(LeaseOf(dead), TrialState.Complete, 0.5, [0.5, double.NaN], null, Time.GetUtcNow()));
        Assert.Equal(TrialState.Running, (await Store.ListTrialsAsync("credit-search"))[1].State);
    }

    [Fact]
    public async Task DeleteStudy_EndedTrials_StudyTrialsAndValuesGoneNameFreeAgain()
    {
        await Store.CreateStudyAsync(Definition(planned: 2));
        var trial = (await ClaimAsync("w")).Trial!;
        Assert.True(await Store.ReportAsync(LeaseOf(trial), [new(1, 0.5), new(2, 0.4)], Time.GetUtcNow()));
        Assert.True(await Store.FinishTrialAsync(LeaseOf(trial), TrialState.Complete, 0.8, null, null, Time.GetUtcNow()));
        await Store.CreateStudyAsync(Definition(planned: 1) with { Name = "other-search" });

        Assert.Equal(1, await Store.DeleteStudyAsync("credit-search", Time.GetUtcNow(), Lease));

        Assert.Null(await Store.GetStudyAsync("credit-search"));
        Assert.Equal(["other-search"], (await Store.ListStudiesAsync()).Select(s => s.Name));
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Store.ListTrialsAsync("credit-search"));
        // The name takes a new definition, and its trials start again from 0 with no old values.
        await Store.CreateStudyAsync(Definition(planned: 1, definition: "{\"x\":1}"));
        var fresh = (await ClaimAsync("w2")).Trial!;
        Assert.Equal((0, 1), (fresh.Number, fresh.Attempt));
        Assert.Empty(fresh.Intermediate);
    }

    [Fact]
    public async Task DeleteStudy_TrialOfALiveWorker_RefusedNamingItAndNothingDeleted()
    {
        await Store.CreateStudyAsync(Definition(planned: 2));
        var trial = (await ClaimAsync("alive")).Trial!;
        Time.Advance(TimeSpan.FromSeconds(30));

        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.DeleteStudyAsync("credit-search", Time.GetUtcNow(), Lease));

        Assert.Contains("study 'credit-search': trial 0 is running and its worker is alive", e.Message);
        Assert.NotNull(await Store.GetStudyAsync("credit-search"));
        Assert.True(await Store.HeartbeatTrialAsync(LeaseOf(trial), Time.GetUtcNow()));
    }

    [Fact]
    public async Task DeleteStudy_RunningTrialPastItsLease_Deleted()
    {
        await Store.CreateStudyAsync(Definition(planned: 2));
        await ClaimAsync("dead");
        Time.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal(1, await Store.DeleteStudyAsync("credit-search", Time.GetUtcNow(), Lease));
        Assert.Empty(await Store.ListStudiesAsync());
    }

    [Fact]
    public async Task DeleteStudy_UnknownStudy_NotFound() =>
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Store.DeleteStudyAsync("nope", Time.GetUtcNow(), Lease));

    [Fact]
    public async Task ClaimTrial_UnknownStudy_NotFound() =>
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Store.ClaimTrialAsync("nope", "a", T0, Lease));

    [Fact]
    public async Task ClaimTrial_UnlimitedPlan_KeepsGiving()
    {
        await Store.CreateStudyAsync(Definition(planned: null));
        for (var i = 0; i < 10; i++) Assert.Equal(i, (await ClaimAsync("a")).Trial!.Number);
    }

    [Fact]
    public async Task SetPlannedTrials_DonePlanOfTwoRaisedToFour_TwoMoreClaimedThenDone()
    {
        await Store.CreateStudyAsync(Definition(planned: 2));
        for (var i = 0; i < 2; i++)
        {
            var t = (await ClaimAsync("a")).Trial!;
            Assert.True(await Store.FinishTrialAsync(LeaseOf(t), TrialState.Complete, t.Number, null, null, Time.GetUtcNow()));
        }
        Assert.Equal(ClaimOutcome.Done, (await ClaimAsync("a")).Outcome);

        await Store.SetPlannedTrialsAsync("credit-search", 4);

        Assert.Equal(4, (await Store.GetStudyAsync("credit-search"))!.PlannedTrials);
        var (next, after) = ((await ClaimAsync("a")).Trial!.Number, (await ClaimAsync("b")).Trial!.Number);
        Assert.Equal((2, 3), (next, after));
        Assert.Equal(ClaimOutcome.Wait, (await ClaimAsync("c")).Outcome);
        // The stored study is the one a resumed search finds: the same definition with the new plan.
        Assert.Equal(4, (await Store.CreateStudyAsync(Definition(planned: 4))).PlannedTrials);
    }

    [Fact]
    public async Task SetPlannedTrials_BelowTheTrialsNumbered_RefusedNamingBothAndUnchanged()
    {
        await Store.CreateStudyAsync(Definition(planned: 4));
        for (var i = 0; i < 3; i++) _ = await ClaimAsync("a");

        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.SetPlannedTrialsAsync("credit-search", 2));

        Assert.Contains("study 'credit-search' has already numbered 3 trials; a plan of 2", e.Message);
        Assert.Equal(4, (await Store.GetStudyAsync("credit-search"))!.PlannedTrials);
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Store.SetPlannedTrialsAsync("nope", 5));
    }

    [Fact]
    public async Task SetPlannedTrials_NoLimit_KeepsGiving()
    {
        await Store.CreateStudyAsync(Definition(planned: 1));
        _ = await ClaimAsync("a");

        await Store.SetPlannedTrialsAsync("credit-search", null);

        Assert.Null((await Store.GetStudyAsync("credit-search"))!.PlannedTrials);
        Assert.Equal(1, (await ClaimAsync("a")).Trial!.Number);
    }

    [Fact]
    public async Task SetSearchRun_Stored()
    {
        await Store.CreateStudyAsync(Definition());
        await Store.SetSearchRunAsync("credit-search", "run123");
        Assert.Equal("run123", (await Store.GetStudyAsync("credit-search"))!.SearchRunId);
    }
}
