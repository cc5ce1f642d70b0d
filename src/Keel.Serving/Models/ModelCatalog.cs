using Keel.Core.Artifacts;
using Keel.Core.Registry;
using Keel.Pipeline.Predict;
using Microsoft.Extensions.Logging;

namespace Keel.Serving.Models;

/// <summary>
/// Holds one loaded version per served name. A moved alias is loaded, verified and warmed up beside the old version, then
/// swapped in with one reference write: a request reads the reference once, so it finishes on the version it started with.
/// </summary>
internal sealed class ModelCatalog(IModelRegistry registry, IArtifactStore artifacts, ILogger<ModelCatalog> log) : IModelCatalog
{
    private sealed class Slot(ModelReference reference, LoadedModel model)
    {
        public ModelReference Reference { get; } = reference;
        public volatile LoadedModel Model = model;
    }

    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private string[] _names = [];

    /// <summary>Raised after a name's version is swapped (old, new).</summary>
    public event Action<LoadedModel, LoadedModel>? Swapped;

    public IReadOnlyList<string> Names => _names;

    public LoadedModel? Current(string name) => _slots.TryGetValue(name, out var s) ? s.Model : null;

    /// <summary>Loads every reference (before the server listens); any failure stops the start with its message.</summary>
    public async Task LoadAsync(IReadOnlyList<ModelReference> references, CancellationToken ct)
    {
        if (references.Count == 0)
            references = (await registry.ListModelsAsync(ct)).Select(m => new ModelReference(m.Name, null, null)).ToArray();
        if (references.Count == 0)
            throw new Keel.Core.KeelInputException("nothing to serve: the registry has no models; `keel run SPEC` registers one.");
        foreach (var r in references)
        {
            if (_slots.ContainsKey(r.Name))
                throw new Keel.Core.KeelInputException($"model '{r}': '{r.Name}' is named twice; serve each model name once.");
            var version = await ModelLoader.ResolveAsync(registry, r, ct);
            var loaded = await ModelLoader.LoadAsync(artifacts, version, ct);
            _slots[r.Name] = new Slot(r, loaded);
            log.LogInformation("Loaded {Reference} as version {Version} ({Candidate}, SHA-256 {Sha})", r, version.Version, version.Candidate, version.ModelSha256);
        }
        _names = _slots.Keys.ToArray();
    }

    /// <summary>Polls the registry once per followed name (one small query each) and swaps in moved versions; failures keep the old version.</summary>
    /// <returns>Number of swaps.</returns>
    public async Task<int> RefreshAsync(CancellationToken ct)
    {
        var swaps = 0;
        foreach (var slot in _slots.Values.Where(s => s.Reference.Moves))
        {
            try
            {
                var model = await registry.GetModelAsync(slot.Reference.Name, ct);
                if (model is null || ModelLoader.CurrentVersion(model, slot.Reference) is not { } target) continue;
                var old = slot.Model;
                if (target == old.Version.Version) continue;
                var version = await registry.GetVersionAsync(slot.Reference.Name, target, ct);
                if (version is null) continue;
                var loaded = await ModelLoader.LoadAsync(artifacts, version, ct);
                slot.Model = loaded;
                swaps++;
                log.LogInformation("{Reference} moved: now serving version {New} (was {Old})", slot.Reference, target, old.Version.Version);
                Swapped?.Invoke(old, loaded);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The old version keeps answering; the next poll tries again.
                log.LogError(e, "Could not follow {Reference}: {Message}; still serving version {Version}", slot.Reference, e.Message, slot.Model.Version.Version);
                ReloadFailed?.Invoke(slot.Reference.Name);
            }
        }
        return swaps;
    }

    /// <summary>Raised when a moved version could not be loaded (model name).</summary>
    public event Action<string>? ReloadFailed;
}
