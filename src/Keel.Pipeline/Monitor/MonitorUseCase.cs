using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Registry;
using Keel.Data;
using Keel.Data.Binding;
using Keel.Monitoring;
using Keel.Monitoring.Drift;
using Keel.Monitoring.Reference;
using Keel.Pipeline.Predict;
using Keel.Tracking;

namespace Keel.Pipeline.Monitor;

/// <summary>What a monitoring pass found: per window the drift of every column, schema findings and serving figures.</summary>
public sealed record MonitorResult
{
    /// <summary>What the reference is (the model version's stored reference, or a file).</summary>
    public required string Reference { get; init; }
    /// <summary>What the current data is (a file, or a deployment's prediction log).</summary>
    public required string Current { get; init; }
    /// <summary>The model version monitored, when one is known.</summary>
    public string? Model { get; init; }
    /// <summary>Its version number.</summary>
    public int? Version { get; init; }
    /// <summary>The windows, oldest first.</summary>
    public IReadOnlyList<WindowDrift> Windows { get; init; } = [];
    /// <summary>Remarks that apply to every window (e.g. outputs could not be scored).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>The monitor use case: compares each window of current data with a reference and stores the figures with the model
/// version, so a timeline builds up. The CLI only parses arguments and prints what this returns.</summary>
/// <param name="store">The store; needed for --model and --deployment, and to keep results. Null: files only.</param>
/// <param name="time">Clock for the stored results.</param>
public sealed class MonitorUseCase(KeelStore? store, TimeProvider time)
{
    /// <summary>Runs one monitoring pass.</summary>
    /// <exception cref="KeelInputException">A missing or unreadable input, or flags that do not fit together.</exception>
    public async Task<MonitorResult> RunAsync(MonitorRequest r, CancellationToken ct)
    {
        if (r.Model is not null && r.ReferencePath is not null)
            throw new KeelInputException("--model and --reference both name a reference; give one of them.");
        if ((r.DataPath is null) == (r.Deployment is null))
            throw new KeelInputException("give the current data as exactly one of --data FILE or --deployment NAME.");
        if (r.Model is null && r.ReferencePath is null && r.Deployment is null)
            throw new KeelInputException("give the reference as --model NAME@ALIAS or --reference FILE.");
        if (r.ReferencePeriod is not null && r.ReferencePath is null)
            throw new KeelInputException("--reference-period needs --reference FILE with a time column: a model's stored reference keeps no dates.");
        var spec = r.Window is null ? null : WindowSpec.Parse(r.Window);

        string? modelText = r.Model;
        if (r.Deployment is not null && modelText is null && r.ReferencePath is null)
            modelText = (await Store().Deployments.GetAsync(r.Deployment, ct)
                ?? throw new KeelNotFoundException($"--deployment '{r.Deployment}': no such deployment; `keel deployments list` shows them.")).Champion;
        ModelVersion? version = null;
        ReferenceProfile? stored = null;
        if (modelText is not null)
        {
            version = await ModelLoader.ResolveAsync(Store().Registry, ModelReference.Parse(modelText), ct);
            stored = await LoadReferenceAsync(version, ct);
        }
        var seasonal = r.ReferencePath is null ? null : SeasonalReference.Read(r.ReferencePath, r.TimeColumn, r.ReferencePeriod, r.Reference);
        var ignore = new HashSet<string>(StringComparer.Ordinal);
        if (r.TimeColumn is not null) ignore.Add(r.TimeColumn);
        ignore.Add(LogWindows.TimeColumn);

        var notes = new List<string>();
        CurrentData current;
        if (r.Deployment is not null)
        {
            current = await LogWindows.ReadAsync(Store(), r.Deployment, stored, spec, ct);
        }
        else
        {
            var path = r.DataPath!;
            if (!File.Exists(path)) throw new KeelInputException($"--data '{path}': the file does not exist.");
            var table = TableReader.Read(path, new ReadOptions()).Table;
            var windows = Windowing.Split(table, spec, r.TimeColumn);
            if (version is not null && stored is not null)
            {
                var (outputs, note) = await ScoreAsync(version, path, ct);
                if (note is not null) notes.Add(note);
                if (outputs.Count > 0) table = new Table([.. table.Columns.Where(c => !outputs.Any(o => o.Name == c.Name)), .. outputs]);
            }
            current = new CurrentData(table, windows, null, Path.GetFileName(path));
        }

        var results = new List<WindowDrift>();
        foreach (var w in current.Windows)
        {
            ct.ThrowIfCancellationRequested();
            var reference = stored ?? seasonal!.For(current.Table, w, r.TimeColumn);
            // A window of every row (no --window) is the table itself: no copy of a large file.
            var rows = w.Rows.Length == current.Table.RowCount ? current.Table : current.Table.Take(w.Rows);
            var drift = DriftAnalyzer.Compare(reference, rows, w.Label, r.Drift, ignore) with { From = w.From, To = w.To };
            current.Serving?.Invoke(w, drift.Figures);
            results.Add(drift);
        }
        var result = new MonitorResult
        {
            Reference = version is not null ? $"{version.Name}:{version.Version} stored reference ({stored!.Source})" : seasonal!.Description,
            Current = current.Description, Model = version?.Name, Version = version?.Version, Windows = results, Notes = notes,
        };
        if (r.Store && version is not null && store is not null)
            await MonitoringResults.SaveAsync(store, result, time, ct);
        return result;
    }

    private KeelStore Store() => store ?? throw new KeelInputException("--model and --deployment need a Keel store (--store).");

    /// <summary>The reference stored with a version's source run.</summary>
    /// <exception cref="KeelInputException">The version was registered before Keel stored references.</exception>
    public async Task<ReferenceProfile> LoadReferenceAsync(ModelVersion version, CancellationToken ct)
    {
        var artifacts = await Store().Tracking.ListArtifactsAsync(version.SourceRunId, ct);
        var entry = artifacts.FirstOrDefault(a => a.Path == ReferenceProfile.ArtifactPath)
            ?? throw new KeelInputException($"model {version.Name}:{version.Version} has no stored monitoring reference (registered before Keel kept one); use --reference FILE with its training data.");
        await using var stream = await Store().Artifacts.OpenReadAsync(entry.Sha256, ct);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return ReferenceProfile.FromJson(buffer.ToArray(), $"{version.Name}:{version.Version} {ReferenceProfile.ArtifactPath}");
    }

    /// <summary>The model's answers on every row of the file, as output columns; a file it cannot score gives a note instead.</summary>
    private async Task<(IReadOnlyList<Column>, string?)> ScoreAsync(ModelVersion version, string path, CancellationToken ct)
    {
        var loaded = await ModelLoader.LoadAsync(Store().Artifacts, version, ct);
        var parts = new List<Column[]>();
        try
        {
            foreach (var chunk in ChunkedTableReader.Read(path, loaded.InputSchema, new ChunkReadOptions { MissingTokens = loaded.MissingTokens }))
            {
                ct.ThrowIfCancellationRequested();
                parts.Add([.. OutputColumns.From(loaded.Predict(chunk.Table))]);
            }
        }
        catch (KeelInputException e)
        {
            return ([], $"output drift not computed: the model cannot score this data ({e.Message})");
        }
        if (parts.Count == 0) return ([], null);
        return (Enumerable.Range(0, parts[0].Length).Select(i => Concat(parts.Select(p => p[i]).ToArray())).ToArray(), null);
    }

    private static Column Concat(Column[] parts) => parts[0] switch
    {
        NumericColumn n => new NumericColumn(n.Name, parts.SelectMany(p => ((NumericColumn)p).Values.ToArray()).ToArray(), n.Type),
        StringColumn s => new StringColumn(s.Name, parts.SelectMany(p => ((StringColumn)p).Values.ToArray()).ToArray(), s.Type),
        _ => throw new InvalidOperationException("unknown column kind"),
    };
}

/// <summary>Current data cut into windows; <see cref="Serving"/> adds serving figures per window (prediction log only).</summary>
internal sealed record CurrentData(Table Table, IReadOnlyList<DataWindow> Windows, Action<DataWindow, WindowFigures>? Serving, string Description);
