using Keel.Core.Artifacts;
using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.Tracking;

/// <summary>Options of <see cref="GarbageCollection.CollectAsync"/>.</summary>
public sealed record GarbageCollectionOptions
{
    /// <summary>Only count what would be deleted. Default false.</summary>
    public bool DryRun { get; init; }

    /// <summary>Files written more recently than this are kept even when unreferenced: a run in progress may be about to log them. Default 10 minutes.</summary>
    public TimeSpan KeepRecent { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>Reclaims artifact space: deletes stored files that no run and no model version refers to, and temp files of crashed writes.</summary>
public static class GarbageCollection
{
    /// <summary>Sweeps <paramref name="artifacts"/>, keeping every hash a run's artifact entry or a registered version's model refers to.</summary>
    public static async Task<ArtifactSweep> CollectAsync(ITrackingStore tracking, IModelRegistry registry, IArtifactStore artifacts, GarbageCollectionOptions options,
        TimeProvider time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tracking);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(artifacts);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        // The cut-off is taken before the references are read: a file logged after the read was written (or touched, when its content
        // already existed) just before it was logged, so after the cut-off unless those two steps were KeepRecent apart.
        var cutoff = time.GetUtcNow() - options.KeepRecent;
        var keep = new HashSet<string>(await tracking.ListArtifactHashesAsync(ct), StringComparer.Ordinal);
        foreach (var model in await registry.ListModelsAsync(ct))
            foreach (var version in await registry.ListVersionsAsync(model.Name, ct))
                keep.Add(version.ModelSha256);
        return await artifacts.SweepAsync(new ArtifactSweepRequest(keep, cutoff, options.DryRun), ct);
    }
}
