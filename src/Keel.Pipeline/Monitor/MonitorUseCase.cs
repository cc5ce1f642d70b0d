using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Metrics;
using Keel.Core.Models;
using Keel.Core.Registry;
using Keel.Data;
using Keel.Data.Binding;
using Keel.Monitoring;
using Keel.Monitoring.Drift;
using Keel.Monitoring.Reference;
using Keel.Pipeline.Alerts;
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
    /// <summary>Alert rules that held on a window (fired, or held back by cooldown or de-duplication), in window order.</summary>
    public IReadOnlyList<WindowAlert> Alerts { get; init; } = [];
    /// <summary>Remarks that apply to every window (e.g. outputs could not be scored).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>A rule that held on a window and what became of it.</summary>
/// <param name="Window">The window's label.</param>
/// <param name="Rule">The rule as written.</param>
/// <param name="Value">The figure's value in the window.</param>
/// <param name="Status">fired, cooldown or duplicate.</param>
/// <param name="Detail">Where it was delivered, or why it was held back.</param>
public sealed record WindowAlert(string Window, string Rule, double Value, string Status, string Detail);

/// <summary>Where a monitoring pass sends alerts: the terminal sink's writer and the client the webhook sink posts with.</summary>
/// <param name="Terminal">Receives one ALERT line per fired alert.</param>
/// <param name="Http">Posts webhook alerts (each attempt has its own timeout).</param>
public sealed record MonitorAlerting(TextWriter Terminal, HttpClient Http);

/// <summary>The monitor use case: compares each window of current data with a reference and stores the figures with the model
/// version, so a timeline builds up. The CLI only parses arguments and prints what this returns.</summary>
/// <param name="store">The store; needed for --model and --deployment, and to keep results. Null: files only.</param>
/// <param name="time">Clock for the stored results and alert cooldowns.</param>
/// <param name="alerting">Alert sinks; null: alert rules are not evaluated.</param>
/// <param name="logProgress">Hears how many logged requests were read so far while a prediction log is read (every 250,000).</param>
public sealed class MonitorUseCase(KeelStore? store, TimeProvider time, MonitorAlerting? alerting = null, IProgress<long>? logProgress = null)
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
        if (r.LabelsPath is not null && (r.DataPath is null || r.LabelsKey is null))
            throw new KeelInputException("--labels needs --data FILE and --key COLUMN (a column of both files); with --deployment, labels come from /feedback.");
        if (r.Arm is not null && r.Deployment is null)
            throw new KeelInputException("--arm chooses the requests of a deployment's arm; give --deployment NAME.");
        if (r.Arm is not null and not ("champion" or "challenger"))
            throw new KeelInputException($"--arm '{r.Arm}': expected champion or challenger.");
        if ((r.From is not null || r.To is not null) && r.Deployment is null)
            throw new KeelInputException("--from and --to choose the requests of a prediction log (--deployment); a --data file is read whole.");
        if (r.From is { } first && r.To is { } end && first >= end)
            throw new KeelInputException($"--from {first.UtcDateTime:yyyy-MM-ddTHH:mm:ss}Z is not before --to {end.UtcDateTime:yyyy-MM-ddTHH:mm:ss}Z: expected a range of time.");
        var spec = r.Window is null ? null : WindowSpec.Parse(r.Window);

        string? modelText = r.Model;
        Keel.Core.Deployments.Deployment? deployment = null;
        if (r.Deployment is not null)
            deployment = await Store().Deployments.GetAsync(r.Deployment, ct)
                ?? throw new KeelNotFoundException($"--deployment '{r.Deployment}': no such deployment; `keel deployments list` shows them.");
        if (deployment is not null && modelText is null && r.ReferencePath is null)
        {
            // Without an arm, the model the deployment's traffic goes to: after a promotion the challenger, whatever the champion alias names.
            modelText = r.Arm switch
            {
                "challenger" => deployment.Challenger ?? throw new KeelInputException($"--arm challenger: deployment '{deployment.Name}' has no challenger."),
                null => deployment.Serving,
                _ => deployment.Champion,
            };
        }
        var alertSettings = r.AlertsPath is not null ? AlertSettingsReader.ReadFile(r.AlertsPath)
            : deployment is not null ? AlertSettingsReader.Parse(deployment.SpecText, $"deployment {deployment.Name}", Directory.GetCurrentDirectory())
            : null;
        ModelVersion? version = null;
        ReferenceProfile? stored = null;
        if (modelText is not null)
        {
            version = await ModelLoader.ResolveAsync(Store().Registry, ModelReference.Parse(modelText), ct);
            stored = await LoadReferenceAsync(version, ct);
        }
        var seasonal = r.ReferencePath is null ? null : SeasonalReference.Read(r.ReferencePath, r.TimeColumn, r.ReferencePeriod, r.Reference, r.Text);
        var ignore = new HashSet<string>(StringComparer.Ordinal);
        if (r.TimeColumn is not null) ignore.Add(r.TimeColumn);
        ignore.Add(LogWindows.TimeColumn);

        var notes = new List<string>();
        CurrentData current;
        if (r.Deployment is not null)
        {
            current = await LogWindows.ReadAsync(Store(), r.Deployment, stored, spec, r.From, r.To, ct, progress: logProgress, arm: r.Arm);
            if (current.Note is not null) notes.Add(current.Note);
        }
        else
        {
            var path = r.DataPath!;
            if (!File.Exists(path)) throw new KeelInputException($"--data '{path}': the file does not exist.");
            var table = TableReader.Read(path, r.Text).Table;
            var windows = Windowing.Split(table, spec, r.TimeColumn);
            Action<DataWindow, WindowFigures>? performance = null;
            if (version is not null && stored is not null)
            {
                var (outputs, predictions, note) = await ScoreAsync(version, path, r, ct);
                if (note is not null) notes.Add(note);
                if (outputs.Count > 0) table = new Table([.. table.Columns.Where(c => !outputs.Any(o => o.Name == c.Name)), .. outputs]);
                var labels = await LabelsAsync(r, version, table, path, ct);
                var keys = r.LabelsKey is null ? null : table[r.LabelsKey];
                // Concept drift is judged on the model's default metric against its test-set interval stored at registration.
                var metric = MetricCatalog.DefaultFor(Enum.TryParse<TaskKind>(version.Task, ignoreCase: true, out var task) ? task : TaskKind.Regression);
                var concept = labels is null ? null
                    : new ConceptReference(metric, await Keel.Pipeline.Performance.PerformanceMonitor.RegisteredIntervalAsync(Store(), version, metric, ct));
                if (predictions is not null)
                    performance = (w, figures) => WindowPerformanceFigures.Add(figures,
                        labels?.Join(keys!, predictions, w.Rows), predictions.Take(w.Rows), concept);
            }
            else if (r.LabelsPath is not null)
                throw new KeelInputException("--labels needs --model: performance is measured on the model's answers.");
            current = new CurrentData(table, windows, performance, Path.GetFileName(path));
        }

        var results = new List<WindowDrift>();
        foreach (var w in current.Windows)
        {
            ct.ThrowIfCancellationRequested();
            var reference = stored ?? seasonal!.For(current.Table, w, r.TimeColumn);
            // A window of every row (no --window) is the table itself: no copy of a large file.
            var rows = w.Rows.Length == current.Table.RowCount ? current.Table : current.Table.Take(w.Rows);
            var label = spec is null && r.From is { } f && r.To is { } t ? $"{f.UtcDateTime:yyyy-MM-ddTHH:mm:ss}Z..{t.UtcDateTime:yyyy-MM-ddTHH:mm:ss}Z" : w.Label;
            var drift = DriftAnalyzer.Compare(reference, rows, label, r.Drift, ignore) with { From = w.From, To = w.To };
            current.Serving?.Invoke(w, drift.Figures);
            results.Add(drift);
        }
        var alerts = new List<WindowAlert>();
        if (alerting is not null && alertSettings is { Rules.Count: > 0 })
        {
            var engine = AlertCheck.CreateEngine(Store(), alertSettings, time, alerting.Terminal, alerting.Http);
            var scope = r.Deployment ?? r.Model ?? version?.Name ?? Path.GetFileName(r.ReferencePath!);
            foreach (var w in results)
            {
                // One window of every row has no key of its own: only the cooldown applies, not de-duplication.
                var key = w.Window == "all" ? "" : w.Window;
                foreach (var o in await engine.EvaluateAsync(alertSettings, scope, key, w.Figures, ct))
                    alerts.Add(new WindowAlert(w.Window, o.Rule.Text, o.Value, o.Status.ToString().ToLowerInvariant(), o.Detail));
            }
        }
        var result = new MonitorResult
        {
            Reference = version is not null ? $"{version.Name}:{version.Version} stored reference ({stored!.Source})" : seasonal!.Description,
            Current = current.Description, Model = version?.Name, Version = version?.Version, Windows = results, Alerts = alerts, Notes = notes,
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

    /// <summary>The labels file of the request, checked against the data file, or null when none is given.</summary>
    private async Task<LabelsFile?> LabelsAsync(MonitorRequest r, ModelVersion version, Table data, string dataPath, CancellationToken ct)
    {
        if (r.LabelsPath is null) return null;
        if (!data.Contains(r.LabelsKey!))
            throw new KeelInputException($"{Path.GetFileName(dataPath)}: no key column '{r.LabelsKey}' to join the labels by; {ColumnNames.Hint(r.LabelsKey!, data)}.");
        var label = r.LabelColumn;
        if (label is null)
        {
            var run = await Store().Tracking.GetRunAsync(version.SourceRunId, ct);
            label = run?.Params.GetValueOrDefault("data.label")
                ?? throw new KeelInputException($"model {version.Name}:{version.Version} does not record its label column; give --label COLUMN.");
        }
        return LabelsFile.Read(r.LabelsPath, r.LabelsKey!, label, r.Text);
    }

    /// <summary>The model's answers on every row of the file, as output columns and predictions; a file it cannot score gives a note instead.</summary>
    private async Task<(IReadOnlyList<Column>, Predictions?, string?)> ScoreAsync(ModelVersion version, string path, MonitorRequest r, CancellationToken ct)
    {
        var loaded = await ModelLoader.LoadAsync(Store().Artifacts, version, ct);
        var parts = new List<Column[]>();
        var predictions = new List<Predictions>();
        try
        {
            foreach (var chunk in ChunkedTableReader.Read(path, loaded.InputSchema, new ChunkReadOptions { MissingTokens = loaded.MissingTokens, Text = r.Text }))
            {
                ct.ThrowIfCancellationRequested();
                var p = loaded.Predict(chunk.Table);
                predictions.Add(p);
                parts.Add([.. OutputColumns.From(p)]);
            }
        }
        catch (KeelInputException e)
        {
            return ([], null, $"output drift not computed: the model cannot score this data ({e.Message})");
        }
        if (parts.Count == 0) return ([], null, null);
        var all = predictions[0] with
        {
            Probabilities = predictions[0].Probabilities is null ? null : predictions.SelectMany(p => p.Probabilities!).ToArray(),
            Values = predictions[0].Values is null ? null : predictions.SelectMany(p => p.Values!).ToArray(),
        };
        return (Enumerable.Range(0, parts[0].Length).Select(i => Concat(parts.Select(p => p[i]).ToArray())).ToArray(), all, null);
    }

    private static Column Concat(Column[] parts) => parts[0] switch
    {
        NumericColumn n => new NumericColumn(n.Name, parts.SelectMany(p => ((NumericColumn)p).Values.ToArray()).ToArray(), n.Type),
        StringColumn s => new StringColumn(s.Name, parts.SelectMany(p => ((StringColumn)p).Values.ToArray()).ToArray(), s.Type),
        _ => throw new InvalidOperationException("unknown column kind"),
    };
}

/// <summary>Current data cut into windows; <see cref="Serving"/> adds serving and performance figures per window.</summary>
/// <param name="Table">Every row, with its time.</param>
/// <param name="Windows">The rows of each window.</param>
/// <param name="Serving">Adds a window's serving and performance figures (prediction logs), or null.</param>
/// <param name="Description">What the data is, for the "Current:" line.</param>
/// <param name="Note">Something the reader of the figures should know about the data (e.g. two versions' answers mixed), or null.</param>
internal sealed record CurrentData(Table Table, IReadOnlyList<DataWindow> Windows, Action<DataWindow, WindowFigures>? Serving, string Description, string? Note = null);
