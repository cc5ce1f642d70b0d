using System.Globalization;
using System.Text;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Data;
using Keel.Pipeline.Predict;
using Keel.Pipeline.Spec;
using Keel.Tracking;
using Keel.Training;

namespace Keel.Pipeline.Evaluate;

/// <summary>What a re-evaluation starts from: the source run, its prepared spec and data, the model evaluated and the run's other models.</summary>
internal sealed record EvaluationSource(
    Run Run,
    PreparedRun Prepared,
    string Selected,
    IFittedModel Model,
    ModelVersion? Version,
    bool Refitted,
    IFittedModel TrainOnly,
    IReadOnlyList<(string Name, IFittedModel Model)> Others)
{
    /// <summary>The run's stored spec, model and split, for a run id or a registered model (its source run).</summary>
    public static async Task<EvaluationSource> LoadAsync(KeelStore store, string target, CancellationToken ct)
    {
        ModelVersion? version = null;
        Run? run = null;
        // A run id is hex (a unique prefix of at least 6 characters will do); anything else names a registered model ("iris" as well).
        if (target.Length >= 6 && target.All(char.IsAsciiHexDigit))
            run = await store.Tracking.GetRunAsync(target, ct);
        if (run is null)
        {
            version = await ModelLoader.ResolveAsync(store.Registry, ModelReference.Parse(target), ct);
            run = await store.Tracking.GetRunAsync(version.SourceRunId, ct)
                ?? throw new KeelNotFoundException($"model '{target}': its source run {version.SourceRunId} is no longer in the store, so its spec and split are gone.");
        }
        if (!run.Tags.TryGetValue("keel.selected", out var selected))
            throw new KeelInputException($"run {run.Id}: it selected no model (status {run.Status.ToString().ToLowerInvariant()}), so there is nothing to evaluate; expected a finished `keel run`.");
        var artifacts = (await store.Tracking.ListArtifactsAsync(run.Id, ct)).ToDictionary(a => a.Path, StringComparer.Ordinal);
        if (!artifacts.ContainsKey("spec/keel.yaml"))
            throw new KeelInputException($"run {run.Id}: it has no stored spec (spec/keel.yaml), so it is not a `keel run` that can be evaluated again.");
        var prepared = await PrepareAsync(store, run, ct);

        IFittedModel model;
        string modelSha;
        if (version is not null)
        {
            model = (await ModelLoader.LoadAsync(store.Artifacts, version, ct)).Model;
            modelSha = version.ModelSha256;
        }
        else
        {
            model = await OpenAsync(store, run.Id, "models/final.keelmodel", ct);
            modelSha = artifacts["models/final.keelmodel"].Sha256;
        }
        var trainOnlyPath = $"models/{selected}.keelmodel";
        var trainOnly = await OpenAsync(store, run.Id, trainOnlyPath, ct);
        var refitted = !string.Equals(modelSha, artifacts[trainOnlyPath].Sha256, StringComparison.OrdinalIgnoreCase);
        var others = new List<(string, IFittedModel)>();
        foreach (var path in artifacts.Keys.Where(p => p.StartsWith("models/", StringComparison.Ordinal) && p.EndsWith(".keelmodel", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = path["models/".Length..^".keelmodel".Length];
            if (name == "final" || name == selected) continue;
            others.Add((name, await OpenAsync(store, run.Id, path, ct)));
        }
        return new EvaluationSource(run, prepared, selected, model, version, refitted, trainOnly, others);
    }

    /// <summary>The run's stored spec prepared against its data file (by absolute path), which must still hold the bytes the run read.</summary>
    private static async Task<PreparedRun> PrepareAsync(KeelStore store, Run run, CancellationToken ct)
    {
        var specText = Encoding.UTF8.GetString(await store.ReadArtifactAsync(run.Id, "spec/keel.yaml", ct));
        var specPath = run.Tags.GetValueOrDefault("keel.spec") ?? "keel.yaml";
        var spec = SpecReader.Parse(specText, $"{Path.GetFileName(specPath)} (stored with run {run.Id})");
        var dataPath = run.Params.GetValueOrDefault("data.path")
            ?? throw new KeelInputException($"run {run.Id}: it records no data.path parameter, so its test split cannot be read again.");
        if (!File.Exists(dataPath))
            throw new KeelInputException($"run {run.Id}: its data file '{dataPath}' no longer exists; pass --data FILE to evaluate on other labelled data.");
        var seed = run.Params.TryGetValue("seed", out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : spec.Seed;
        var prepared = RunPreparation.Prepare(spec with { Seed = seed, Data = spec.Data with { Path = dataPath } }, specText, specPath);
        if (run.Params.TryGetValue("data.sha256", out var sha) && !string.Equals(sha, prepared.Data.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new KeelInputException($"run {run.Id}: its data file '{dataPath}' has changed since the run (SHA-256 {prepared.Data.Sha256}, the run read {sha}), so its split rows no longer name the same rows; pass --data FILE to evaluate on it as new data.");
        return prepared;
    }

    private static async Task<IFittedModel> OpenAsync(KeelStore store, string runId, string path, CancellationToken ct)
    {
        var bytes = await store.ReadArtifactAsync(runId, path, ct);
        using var stream = new MemoryStream(bytes, writable: false);
        return ModelPackage.Open(stream).Model;
    }

    /// <summary>Positions (in the prepared table) of the rows a stored split file names.</summary>
    public Task<int[]> SplitRowsAsync(KeelStore store, string split, CancellationToken ct) => SplitRowsAsync(store, Run.Id, Prepared, split, ct);

    /// <summary>
    /// The rows registered <paramref name="version"/> was fitted on, read again from its source run's data file: the table as the run
    /// prepared it and the positions of its training rows (with its validation rows when the version was refitted on them). Opens no
    /// model. Null when the run, its spec or its unchanged data file is gone.
    /// </summary>
    public static async Task<(Table Table, int[] Rows)?> FittedRowsAsync(KeelStore store, ModelVersion version, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(version);
        var run = await store.Tracking.GetRunAsync(version.SourceRunId, ct);
        if (run is null || !run.Tags.TryGetValue("keel.selected", out var selected)) return null;
        var artifacts = (await store.Tracking.ListArtifactsAsync(run.Id, ct)).ToDictionary(a => a.Path, StringComparer.Ordinal);
        if (!artifacts.ContainsKey("spec/keel.yaml")) return null;
        PreparedRun prepared;
        try
        {
            prepared = await PrepareAsync(store, run, ct);
        }
        catch (KeelInputException)
        {
            return null;
        }
        var refitted = artifacts.TryGetValue($"models/{selected}.keelmodel", out var trainOnly)
            && !string.Equals(version.ModelSha256, trainOnly.Sha256, StringComparison.OrdinalIgnoreCase);
        var rows = await SplitRowsAsync(store, run.Id, prepared, "train", ct);
        if (refitted) rows = [.. rows, .. await SplitRowsAsync(store, run.Id, prepared, "validation", ct)];
        return (prepared.Table, rows);
    }

    private static async Task<int[]> SplitRowsAsync(KeelStore store, string runId, PreparedRun prepared, string split, CancellationToken ct)
    {
        var text = Encoding.UTF8.GetString(await store.ReadArtifactAsync(runId, $"split/{split}.txt", ct));
        var position = new Dictionary<int, int>(prepared.Label.KeptRows.Length);
        for (var i = 0; i < prepared.Label.KeptRows.Length; i++) position[prepared.Label.KeptRows[i]] = i;
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => int.Parse(l, NumberStyles.Integer, CultureInfo.InvariantCulture))
            .Where(position.ContainsKey).Select(r => position[r]).ToArray();
    }

    /// <summary>New labelled rows read as the run read its data (types, missing tokens), labels encoded in the model's class order.</summary>
    /// <exception cref="KeelInputException">The file lacks the label or a column the evaluation names, or holds a class the model does not know.</exception>
    public (LoadedTable Data, Table Table, EncodedLabels Truth) ReadLabelled(string path) =>
        LabelledFile.Read(path, Prepared, Model, [.. Prepared.Spec.Evaluation.Slices, .. Prepared.Spec.Evaluation.Sensitive], "--data");
}
