using Keel.Core;
using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.Tracking.Tests.Contracts;

/// <summary>
/// What spans the tracking store, the registry and the artifacts of one backend: finishing a run together with its registration,
/// heartbeats and leases, deleting runs and collecting garbage. Subclass it with a factory for the backend.
/// </summary>
public abstract class RunLifecycleContract : StoreContract<StoreSet>
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    protected ITrackingStore Tracking => Subject.Tracking;

    protected IModelRegistry Registry => Subject.Registry;

    private async Task<Run> NewRunAsync(string name = "run")
    {
        var e = await Tracking.GetOrCreateExperimentAsync("exp");
        return await Tracking.CreateRunAsync(e.Id, name, Time.GetUtcNow(), new Dictionary<string, string>());
    }

    private async Task<ArtifactEntry> LogAsync(Run run, string path, byte[] content)
    {
        var blob = await Subject.Artifacts.PutAsync(new MemoryStream(content));
        var entry = new ArtifactEntry(path, blob.Sha256, blob.Bytes);
        await Tracking.LogArtifactAsync(run.Id, entry);
        return entry;
    }

    private static ModelVersion Version(string runId, string sha) => new()
    {
        Name = "credit",
        SourceRunId = runId,
        ModelSha256 = sha,
        Candidate = "lightgbm",
        Task = "binary",
        SchemaJson = "{}",
        DataSha256 = new string('d', 64),
        Metrics = new Dictionary<string, double> { ["auc"] = 0.9 },
    };

    private RunCompletion Completion(Run run, ModelVersion? version, string? alias = "champion") => new()
    {
        RunId = run.Id,
        EndTime = Time.GetUtcNow(),
        Tags = new Dictionary<string, string> { ["keel.selected"] = "lightgbm" },
        Version = version,
        Alias = version is null ? null : alias,
        Actor = "ann",
        Reason = "run " + run.Id,
    };

    [Fact]
    public async Task CompleteRun_WithVersionAndAlias_RegistersMovesAliasAndFinishesRunAtOnce()
    {
        var run = await NewRunAsync();
        Time.Advance(TimeSpan.FromMinutes(2));

        var done = await Registry.CompleteRunAsync(Completion(run, Version(run.Id, new string('a', 64))));

        Assert.Equal(1, done.Version!.Version);
        Assert.Equal(new AliasEvent("credit", "champion", null, 1, T0.AddMinutes(2), "ann", "run " + run.Id), done.AliasMove);
        var got = (await Tracking.GetRunAsync(run.Id))!;
        Assert.Equal((RunStatus.Finished, (DateTimeOffset?)T0.AddMinutes(2)), (got.Status, got.EndTime));
        Assert.Equal("credit:1", got.Tags[RunTags.Registered]);
        Assert.Equal("lightgbm", got.Tags["keel.selected"]);
        Assert.Equal(1, (await Registry.GetByAliasAsync("credit", "champion"))!.Version);
        Assert.Equal("ann", (await Registry.GetAliasHistoryAsync("credit")).Single().Actor);
    }

    [Fact]
    public async Task CompleteRun_RunKilledMeanwhile_ThrowsAndLeavesNoVersionNoAlias()
    {
        // The process "dies" between its last step and the completion: another process marks the run killed after the lease.
        var run = await NewRunAsync();
        Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal([run.Id], await Tracking.KillStaleRunsAsync(Time.GetUtcNow() - Lease, Time.GetUtcNow(), "lease expired"));

        var e = await Assert.ThrowsAsync<KeelInputException>(() => Registry.CompleteRunAsync(Completion(run, Version(run.Id, new string('a', 64)))));

        Assert.Contains("killed", e.Message);
        Assert.Empty(await Registry.ListModelsAsync());
        Assert.Equal(RunStatus.Killed, (await Tracking.GetRunAsync(run.Id))!.Status);
        Assert.False((await Tracking.GetRunAsync(run.Id))!.Tags.ContainsKey(RunTags.Registered));
    }

    [Fact]
    public async Task CompleteRun_SecondTime_ThrowsAndRegistersNoSecondVersion()
    {
        var run = await NewRunAsync();
        await Registry.CompleteRunAsync(Completion(run, Version(run.Id, new string('a', 64))));

        await Assert.ThrowsAsync<KeelInputException>(() => Registry.CompleteRunAsync(Completion(run, Version(run.Id, new string('b', 64)))));

        Assert.Equal(1, (await Registry.GetModelAsync("credit"))!.LatestVersion);
        Assert.Single(await Registry.GetAliasHistoryAsync("credit"));
    }

    [Fact]
    public async Task CompleteRun_WithoutVersion_FinishesRunOnly()
    {
        var run = await NewRunAsync();

        var done = await Registry.CompleteRunAsync(Completion(run, null));

        Assert.Equal((null, null), (done.Version, done.AliasMove));
        Assert.Equal(RunStatus.Finished, (await Tracking.GetRunAsync(run.Id))!.Status);
        Assert.Empty(await Registry.ListModelsAsync());
    }

    [Fact]
    public async Task CompleteRun_VersionFromOtherRun_ThrowsInputAndChangesNothing()
    {
        var run = await NewRunAsync();

        await Assert.ThrowsAsync<KeelInputException>(() => Registry.CompleteRunAsync(Completion(run, Version(new string('f', 32), new string('a', 64)))));

        Assert.Equal(RunStatus.Running, (await Tracking.GetRunAsync(run.Id))!.Status);
        Assert.Empty(await Registry.ListModelsAsync());
    }

    [Fact]
    public async Task KillStaleRuns_FreshHeartbeatExpiredLeaseAndNeverBeat_KillsOnlyExpired()
    {
        var beating = await NewRunAsync("beating");
        var silent = await NewRunAsync("silent");
        Time.Advance(TimeSpan.FromSeconds(50));
        var young = await NewRunAsync("young");
        Assert.True(await Tracking.HeartbeatAsync(beating.Id, Time.GetUtcNow()));
        Time.Advance(TimeSpan.FromSeconds(30)); // silent: 80 s since start; beating: 30 s since its beat; young: 30 s since start

        var killed = await Tracking.KillStaleRunsAsync(Time.GetUtcNow() - Lease, Time.GetUtcNow(), "no heartbeat");

        Assert.Equal([silent.Id], killed);
        var got = (await Tracking.GetRunAsync(silent.Id))!;
        Assert.Equal((RunStatus.Killed, (DateTimeOffset?)T0.AddSeconds(80), "no heartbeat"), (got.Status, got.EndTime, got.Tags[RunTags.KilledReason]));
        Assert.Equal(T0.AddSeconds(50), (await Tracking.GetRunAsync(beating.Id))!.HeartbeatAt);
        foreach (var alive in new[] { beating, young }) Assert.Equal(RunStatus.Running, (await Tracking.GetRunAsync(alive.Id))!.Status);
    }

    [Fact]
    public async Task Heartbeat_FinishedRun_ReturnsFalseAndWritesNothing()
    {
        var run = await NewRunAsync();
        await Tracking.SetRunStatusAsync(run.Id, RunStatus.Finished, T0);

        Assert.False(await Tracking.HeartbeatAsync(run.Id, T0.AddMinutes(1)));
        Assert.Null((await Tracking.GetRunAsync(run.Id))!.HeartbeatAt);
    }

    [Fact]
    public async Task GetRun_WithArtifacts_SumsTheirBytes()
    {
        var run = await NewRunAsync();
        await LogAsync(run, "a.bin", new byte[300]);
        await LogAsync(run, "b.bin", new byte[45]);

        Assert.Equal(345, (await Tracking.GetRunAsync(run.Id))!.ArtifactBytes);
    }

    [Fact]
    public async Task DeleteRun_FinishedRun_RemovesItAndItsEntries()
    {
        var run = await NewRunAsync("gone");
        var other = await NewRunAsync("stays");
        await Tracking.LogBatchAsync(run.Id, new LogBatch
        {
            Params = new Dictionary<string, string> { ["p"] = "1" },
            Tags = new Dictionary<string, string> { ["t"] = "x" },
            Metrics = [new MetricPoint("m", 1, 0, T0)],
            IdempotencyKey = "batch-1",
        });
        var entry = await LogAsync(run, "only-mine.bin", [1, 2, 3]);
        await Tracking.SetRunStatusAsync(run.Id, RunStatus.Failed, T0);

        await Tracking.DeleteRunAsync(run.Id);

        Assert.Null(await Tracking.GetRunAsync(run.Id));
        Assert.Equal([other.Id], (await Tracking.SearchRunsAsync(new RunQuery())).Runs.Select(r => r.Id));
        Assert.DoesNotContain(entry.Sha256, await Tracking.ListArtifactHashesAsync());
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Tracking.DeleteRunAsync(run.Id));
    }

    [Fact]
    public async Task DeleteRun_Running_ThrowsInputAndKeepsIt()
    {
        var run = await NewRunAsync();

        var e = await Assert.ThrowsAsync<KeelInputException>(() => Tracking.DeleteRunAsync(run.Id));

        Assert.Contains("running", e.Message);
        Assert.NotNull(await Tracking.GetRunAsync(run.Id));
    }

    [Fact]
    public async Task DeleteRun_RegisteredVersionComesFromIt_ThrowsInputNamingVersion()
    {
        var run = await NewRunAsync();
        await Registry.CompleteRunAsync(Completion(run, Version(run.Id, new string('a', 64))));

        var e = await Assert.ThrowsAsync<KeelInputException>(() => Tracking.DeleteRunAsync(run.Id));

        Assert.Contains("credit v1", e.Message);
        Assert.NotNull(await Tracking.GetRunAsync(run.Id));
    }

    [Fact]
    public async Task CollectGarbage_AfterDelete_DeletesOnlyFilesNoRunOrVersionUses()
    {
        var deleted = await NewRunAsync("deleted");
        var kept = await NewRunAsync("kept");
        var mine = await LogAsync(deleted, "mine.bin", new byte[] { 1, 1, 1 });
        var shared = await LogAsync(deleted, "shared.bin", new byte[] { 2, 2 });
        await LogAsync(kept, "shared.bin", new byte[] { 2, 2 });
        var model = await LogAsync(kept, "model.bin", new byte[] { 3 });
        await Registry.CompleteRunAsync(Completion(kept, Version(kept.Id, model.Sha256)));
        await Tracking.SetRunStatusAsync(deleted.Id, RunStatus.Finished, T0);
        await Tracking.DeleteRunAsync(deleted.Id);
        Time.Advance(TimeSpan.FromHours(1));

        var dry = await GarbageCollection.CollectAsync(Tracking, Registry, Subject.Artifacts, new GarbageCollectionOptions { DryRun = true }, Time);
        Assert.True(await Subject.Artifacts.ExistsAsync(mine.Sha256));
        var sweep = await GarbageCollection.CollectAsync(Tracking, Registry, Subject.Artifacts, new GarbageCollectionOptions(), Time);

        Assert.Equal((1, 3L), (dry.BlobsDeleted, dry.BlobBytesDeleted));
        Assert.Equal((1, 3L, 2), (sweep.BlobsDeleted, sweep.BlobBytesDeleted, sweep.BlobsKept));
        Assert.False(await Subject.Artifacts.ExistsAsync(mine.Sha256));
        foreach (var sha in new[] { shared.Sha256, model.Sha256 }) Assert.True(await Subject.Artifacts.ExistsAsync(sha));
    }

    [Fact]
    public async Task CollectGarbage_UnreferencedButRecent_Kept()
    {
        var run = await NewRunAsync();
        var entry = await LogAsync(run, "a.bin", [9]);
        await Tracking.SetRunStatusAsync(run.Id, RunStatus.Finished, T0);
        await Tracking.DeleteRunAsync(run.Id);
        Time.Advance(TimeSpan.FromMinutes(5));

        var sweep = await GarbageCollection.CollectAsync(Tracking, Registry, Subject.Artifacts, new GarbageCollectionOptions(), Time);

        Assert.Equal(0, sweep.BlobsDeleted);
        Assert.True(await Subject.Artifacts.ExistsAsync(entry.Sha256));
    }
}
